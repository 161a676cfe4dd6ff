// Loads the provider the settings select. Dynamic imports keep each vendor SDK in its own chunk,
// loaded only in the offscreen document and only when selected.
import type { CallProvider, ProviderName } from '../provider';

export async function loadProvider(name: ProviderName): Promise<CallProvider> {
  switch (name) {
    case 'builtin': {
      const { BuiltinProvider } = await import('./builtin/BuiltinProvider');
      return new BuiltinProvider();
    }
    case 'vonage': {
      const { VonageProvider } = await import('./vonage/VonageProvider');
      return new VonageProvider();
    }
    case 'clevertap': {
      const { CleverTapProvider } = await import('./clevertap/CleverTapProvider');
      return new CleverTapProvider();
    }
  }
}
