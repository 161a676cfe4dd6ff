// After a call has left the call bar (or the popup's call card): its wrap-up, until saved or closed.
import { useEffect, useState } from 'preact/hooks';
import type { CallSnapshot } from '../../call/state';
import { formatTarget } from '../format';
import { t } from '../i18n';
import { WrapupForm } from './WrapupForm';

/** Whether a call gets a wrap-up: every call the agent placed, and inbound calls they took. */
export function wrapupApplies(call: CallSnapshot): boolean {
  // A call that failed on our side (no microphone, server unreachable) has nothing to wrap up.
  return Boolean(call.answeredAt) || (call.direction === 'outbound' && !call.error);
}

/**
 * The call a wrap-up is still open for: the last call shown, once it is gone from the state (the
 * ended call lingers only a few seconds). Cleared by a new call, Save or Close.
 */
export function useWrapupAfter(call: CallSnapshot | null): [CallSnapshot | null, () => void] {
  const [last, setLast] = useState<CallSnapshot | null>(null);
  const [open, setOpen] = useState<CallSnapshot | null>(null);
  useEffect(() => {
    if (call) {
      setLast(call);
      setOpen(null);
    } else if (last && wrapupApplies(last)) {
      setOpen(last);
      setLast(null);
    }
  }, [call?.callId, call?.phase, call?.answeredAt, Boolean(call)]);
  return [open, () => setOpen(null)];
}

export function WrapupPanel({
  call,
  close,
  allows = (event) => event.isTrusted,
}: {
  call: CallSnapshot;
  close(): void;
  allows?: (event: Event) => boolean;
}) {
  return (
    <div class="c2c-panel" role="group" aria-label={t('wrapupLabel')} data-testid="wrapup-panel">
      <div class="c2c-who">
        {call.displayName && <strong class="c2c-name">{call.displayName}</strong>}
        <span class="c2c-number">{formatTarget(call.target)}</span>
      </div>
      <WrapupForm callId={call.callId} allows={allows} onSaved={close} />
      <div class="c2c-actions">
        <button data-testid="wrapup-close" onClick={(e) => allows(e) && close()}>
          {t('wrapupClose')}
        </button>
      </div>
    </div>
  );
}
