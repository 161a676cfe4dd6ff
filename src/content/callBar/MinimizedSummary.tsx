// The minimised call bar's title: one line on the call.
import type { CallSnapshot } from '../../call/state';
import { useNow } from '../../ui/appState';
import { formatDuration, formatTarget } from '../../ui/format';
import { t, uiLanguage } from '../../ui/i18n';

/** One line while minimised: who, the phase and the timer (the title row's text). */
export function MinimizedSummary({ call }: { call: CallSnapshot }) {
  const now = useNow(call.phase !== 'ended');
  const who = call.displayName ?? formatTarget(call.target);
  const phase =
    call.phase === 'ended'
      ? t(`ended_${(call.endReason ?? 'failed').replace(/-/g, '_')}`)
      : t(`phase_${call.phase}`);
  const elapsed = call.answeredAt
    ? formatDuration((call.endedAt ?? now) - call.answeredAt, uiLanguage())
    : null;
  return (
    <span class="c2c-mini" role="status" data-call-phase={call.phase} data-testid="call-bar-mini">
      <strong>{who}</strong> · {phase}
      {elapsed ? ` · ${elapsed}` : ''}
    </span>
  );
}
