// The in-page call bar: our own element with a shadow root, shown while a call is live on any CRM tab
// (and briefly with the reason when a click could not start a call).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AppState } from '../messaging/protocol';
import type { CallError } from '../call/state';
import { watchAppState } from '../ui/appState';
import { CallPanel } from '../ui/CallPanel';
import { describeError, t } from '../ui/i18n';
import { BASE_CSS } from '../ui/styles';

const BAR_CSS = `
:host { all: initial; }
.c2c-bar { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; min-width: 240px; max-width: 360px;
  background: var(--c2c-bg); color: var(--c2c-fg); border: 1px solid var(--c2c-border); border-radius: 10px;
  box-shadow: 0 8px 24px rgba(0,0,0,.18); padding: 10px 12px; }
.c2c-notice { display: flex; gap: 8px; align-items: center; }
@media print { .c2c-bar { display: none; } }
`;

export interface CallBarHandle {
  /** Shows a failure that happened before any call existed (e.g. not signed in). */
  showError(error: CallError): void;
}

export function mountCallBar(signal: AbortSignal, doc: Document = document): CallBarHandle {
  const host = doc.createElement('c2c-call-bar');
  host.setAttribute('data-c2c-own', '');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = BASE_CSS + BAR_CSS;
  shadow.append(style);
  const mount = doc.createElement('div');
  shadow.append(mount);
  (doc.body ?? doc.documentElement).append(host);

  let showError: (error: CallError) => void = () => undefined;
  function Bar() {
    const [state, setState] = useState<AppState | null>(null);
    const [notice, setNotice] = useState<CallError | null>(null);
    useEffect(() => {
      const controller = new AbortController();
      watchAppState(setState, controller.signal);
      showError = (error) => setNotice(error);
      return () => controller.abort();
    }, []);
    useEffect(() => {
      if (!notice) return;
      const id = setTimeout(() => setNotice(null), 8000);
      return () => clearTimeout(id);
    }, [notice]);
    if (state?.call) {
      return (
        <div class="c2c-bar" data-testid="call-bar">
          <CallPanel call={state.call} waiting={state.waiting} />
        </div>
      );
    }
    if (notice) {
      return (
        <div class="c2c-bar c2c-notice" role="alert" data-testid="call-bar-notice">
          <span>{describeError(notice)}</span>
          <button onClick={() => setNotice(null)} aria-label={t('dismiss')}>
            ×
          </button>
        </div>
      );
    }
    return null;
  }
  render(<Bar />, mount);
  signal.addEventListener('abort', () => {
    render(null, mount);
    host.remove();
  });
  return { showError: (error) => showError(error) };
}
