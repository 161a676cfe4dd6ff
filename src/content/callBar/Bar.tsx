// The call bar's content: the call (full or minimised), else a notice, else the wrap-up of the
// call that just ended, else nothing.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppState } from '../../messaging/background';
import type { CallError } from '../../call/state';
import { watchAppState } from '../../ui/appState';
import { CallPanel } from '../../ui/CallPanel';
import { useWrapupAfter, WrapupPanel } from '../../ui/wrapup/WrapupPanel';
import { describeError, t } from '../../ui/i18n';
import { BarHead, type BarDrag } from './BarHead';
import { MinimizedSummary } from './MinimizedSummary';
import { useBarPosition } from './useBarPosition';

/** Where the bar's handle sends failures from before any call existed (set once the bar runs). */
export interface BarErrors {
  show(error: CallError): void;
}

export interface BarProps {
  view: Window & typeof globalThis;
  errors: BarErrors;
  /** The call controls' click check (see clickGuard). */
  allows: (event: Event) => boolean;
}

/** The bar itself: follows the app state and renders what the agent needs now. */
export function Bar({ view, errors, allows }: BarProps) {
  const [state, setState] = useState<AppState | null>(null);
  const [notice, setNotice] = useState<CallError | null>(null);
  const [minimizedFor, setMinimizedFor] = useState<string | null>(null);
  const drag = useRef<BarDrag | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    watchAppState(setState, controller.signal);
    errors.show = (error) => setNotice(error);
    return () => controller.abort();
  }, []);
  const { position, bar, move } = useBarPosition(view);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(id);
  }, [notice]);

  const call = state?.call ?? null;
  const [wrapup, closeWrapup] = useWrapupAfter(call);
  // A ringing call or call waiting always shows the full bar, so Answer is one click away.
  const mustExpand = call?.phase === 'incoming' || Boolean(state?.waiting);
  const minimized = Boolean(call && minimizedFor === call.callId && !mustExpand);
  const headProps = { position, move, drag, call, minimized, mustExpand, setMinimizedFor, allows };

  const style = { right: `${position.right}px`, bottom: `${position.bottom}px` };
  if (call) {
    const label = t(call.phase === 'ended' ? 'callBarLabelEnded' : 'callBarLabel');
    return (
      <div
        ref={bar}
        class="c2c-bar"
        style={style}
        data-testid="call-bar"
        data-minimized={minimized ? '' : undefined}
        role="region"
        aria-label={label}
      >
        <BarHead {...headProps} title={minimized ? <MinimizedSummary call={call} /> : label} />
        {!minimized && <CallPanel call={call} waiting={state?.waiting} allows={allows} />}
      </div>
    );
  }
  if (notice) {
    return (
      <div
        ref={bar}
        class="c2c-bar c2c-notice"
        style={style}
        role="alert"
        data-testid="call-bar-notice"
      >
        <span>{describeError(notice)}</span>
        <button onClick={() => setNotice(null)} aria-label={t('dismiss')}>
          ×
        </button>
      </div>
    );
  }
  if (wrapup) {
    return (
      <div
        ref={bar}
        class="c2c-bar"
        style={style}
        data-testid="call-bar"
        role="region"
        aria-label={t('wrapupLabel')}
      >
        <BarHead {...headProps} title={t('wrapupLabel')} />
        <WrapupPanel call={wrapup} close={closeWrapup} allows={allows} />
      </div>
    );
  }
  return null;
}
