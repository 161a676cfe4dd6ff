// The self-test's reachability check of the backend: `GET /healthz` through the typed client, timed.
import { backendClient } from '../../call/backendClient';
import { CallFailure } from '../../call/provider';
import type { SelfTestChecks } from '../diagnosticsReport';

export type BackendCheck = NonNullable<SelfTestChecks['backend']>;

export async function checkBackend(url: string): Promise<BackendCheck> {
  const started = performance.now();
  try {
    const response = await backendClient(url, { timeoutMs: 5000 }).healthz.$get(undefined, {
      init: { cache: 'no-store', credentials: 'omit' },
    });
    return {
      url,
      reachable: response.ok,
      status: response.status,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    const cause = error instanceof CallFailure ? error.cause : error;
    return { url, reachable: false, error: cause instanceof Error ? cause.name : String(cause) };
  }
}
