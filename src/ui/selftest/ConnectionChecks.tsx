// The self-test's connection checks: the server, the sign-in, the calling session, the round trip.
import type { AppState, Diagnostics } from '../../messaging/background';
import { describeError, t, uiLanguage } from '../i18n';
import type { BackendCheck } from './checkBackend';

export function ConnectionChecks({
  state,
  diagnostics,
  diagError,
  backend,
  running,
  onRunAgain,
}: {
  state: AppState;
  diagnostics: Diagnostics | null;
  diagError: string | null;
  backend: BackendCheck | null;
  running: boolean;
  onRunAgain(): void;
}) {
  const numbers = new Intl.NumberFormat(uiLanguage(), { maximumFractionDigits: 0 });
  const provider = diagnostics?.provider ?? state.provider;
  const rtt = diagnostics?.signallingRttMs ?? null;
  return (
    <section aria-labelledby="conn-heading">
      <h2 id="conn-heading">{t('selfTestConnection')}</h2>
      <table class="checks">
        <tbody>
          <tr data-testid="check-backend" data-ok={backend ? String(backend.reachable) : ''}>
            <th scope="row">{t('selfTestBackend')}</th>
            <td>
              <code>{state.backendUrl}</code>{' '}
              {!backend ? (
                <span class="muted">…</span>
              ) : backend.reachable ? (
                <span class="ok">{t('selfTestReachable', numbers.format(backend.ms ?? 0))}</span>
              ) : (
                <span class="error">
                  {t('selfTestUnreachable')} {backend.status ? `(HTTP ${backend.status})` : ''}
                </span>
              )}
            </td>
          </tr>
          <tr data-testid="check-signed-in" data-ok={String(Boolean(state.agent))}>
            <th scope="row">{t('selfTestSignedIn')}</th>
            <td>
              {state.agent ? (
                <span class="ok">{t('signedInAs', state.agent.name)}</span>
              ) : (
                <span class="error">{t('error_not_signed_in')}</span>
              )}
            </td>
          </tr>
          <tr data-testid="check-provider" data-state={provider.state}>
            <th scope="row">{t('selfTestProvider')}</th>
            <td>
              <span
                class={
                  provider.state === 'ready' ? 'ok' : provider.state === 'error' ? 'error' : ''
                }
              >
                {t(`providerName_${provider.provider}`)}: {t(`providerState_${provider.state}`)}
              </span>
              {provider.error && (
                <span class="error"> {describeError(provider.error, provider.provider)}</span>
              )}
            </td>
          </tr>
          <tr data-testid="check-rtt" data-ms={rtt === null ? '' : String(rtt)}>
            <th scope="row">{t('selfTestRtt')}</th>
            <td>
              {rtt === null ? (
                <span class="muted">{t('selfTestRttUnknown')}</span>
              ) : (
                t('selfTestMs', numbers.format(rtt))
              )}
            </td>
          </tr>
        </tbody>
      </table>
      {diagError && <p class="error">{diagError}</p>}
      <div class="row">
        <button type="button" disabled={running} onClick={onRunAgain}>
          {running ? t('selfTestRunning') : t('selfTestRunAgain')}
        </button>
      </div>
    </section>
  );
}
