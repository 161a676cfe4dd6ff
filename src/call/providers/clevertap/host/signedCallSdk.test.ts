// The host's loader takes initSignedCall and the Web SDK instance from the real package entry points
// (here replaced by fakes, as in the other CleverTap tests).
import { expect, it, vi } from 'vitest';
import { loadSignedCallSdk } from './signedCallSdk';

const fakes = vi.hoisted(() => ({
  initSignedCall: async () => ({}),
  clevertap: { init: () => undefined },
}));
vi.mock('clevertap-signed-call', () => ({ initSignedCall: fakes.initSignedCall }));
vi.mock('clevertap-web-sdk', () => ({ default: fakes.clevertap }));

it('loads initSignedCall and the CleverTap Web SDK instance', async () => {
  const sdk = await loadSignedCallSdk();
  expect(sdk.initSignedCall).toBe(fakes.initSignedCall);
  expect(sdk.clevertap).toBe(fakes.clevertap);
});
