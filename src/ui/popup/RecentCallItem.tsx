// One row of the popup's recent calls: who (name, number, extension), how it went, its wrap-up
// (edited in place) and call back, marked when it was a missed inbound call.
import type { RecentCall } from '../../messaging/background';
import { formatDuration, formatTarget } from '../format';
import { t, uiLanguage } from '../i18n';
import { recentOutcome } from '../wrapup/recentOutcome';
import { WrapupForm } from '../wrapup/WrapupForm';
import type { useCall } from './DialPad';
import { recentTarget } from './recentTarget';

export function RecentCallItem({
  item,
  live,
  call,
  dates,
  editing,
  toggleEditing,
  onSaved,
}: {
  item: RecentCall;
  live: boolean;
  call: ReturnType<typeof useCall>['call'];
  dates: Intl.DateTimeFormat;
  editing: boolean;
  toggleEditing(): void;
  onSaved(call: RecentCall): void;
}) {
  // Call back dials the extension too; the number shows it with the localised "ext.".
  const target = recentTarget(item);
  const number = target
    ? formatTarget(target.kind === 'phone' ? { kind: 'phone', e164: target.e164 } : target)
    : (item.remote ?? t('popupUnknownParty'));
  const ext = target?.kind === 'phone' && target.ext ? ` ${t('popupExtension', target.ext)}` : '';
  const who = `${number}${ext}`;
  const seconds =
    item.duration !== null && item.answeredAt
      ? formatDuration(item.duration * 1000, uiLanguage())
      : item.answeredAt && item.endedAt
        ? formatDuration(item.endedAt - item.answeredAt, uiLanguage())
        : null;
  const outcome = recentOutcome(item);
  const missed = outcome === 'missed';
  const name = item.contactName ?? who;
  return (
    <li
      key={item.uuid}
      class="recent-item"
      data-testid="recent-call"
      data-uuid={item.uuid}
      data-missed={missed ? 'true' : undefined}
    >
      <div class="row">
        <span class="recent-who">
          <span>
            <span aria-hidden="true">{item.direction === 'inbound' ? '↙' : '↗'} </span>
            <span class="sr-only">
              {t(item.direction === 'inbound' ? 'popupInbound' : 'popupOutbound')}{' '}
            </span>
            <strong data-testid="recent-name">{name}</strong>
            {missed && (
              <span class="badge error small" data-testid="recent-missed">
                {' '}
                {t('popupMissed')}
              </span>
            )}
          </span>
          {item.contactName && (
            <span class="muted small" data-testid="recent-number">
              {who}
            </span>
          )}
          <span class="muted small" data-testid="recent-detail">
            {dates.format(item.createdAt)}
            {` · ${outcome ? t(`recentOutcome_${outcome}`) : statusText(item.status)}`}
            {seconds ? ` · ${seconds}` : ''}
            {item.outcome ? ` · ${item.outcome}` : ''}
            {item.followUpOn ? ` · ${t('popupFollowUpOn', followUp(item.followUpOn))}` : ''}
          </span>
        </span>
        {outcome && (
          <button
            aria-expanded={editing}
            aria-label={t('wrapupEditFor', name)}
            data-testid="recent-wrapup"
            onClick={(e) => e.isTrusted && toggleEditing()}
          >
            {t('wrapupEdit')}
          </button>
        )}
        {target && (
          <button
            class={missed ? 'primary' : undefined}
            disabled={live}
            aria-label={t('popupCallBack', name)}
            onClick={(e) => e.isTrusted && void call(target)}
          >
            {t('popupCallBackShort')}
          </button>
        )}
      </div>
      {editing && (
        <WrapupForm
          callId={item.uuid}
          initial={{
            outcome: item.outcome,
            notes: item.notes ?? '',
            followUpOn: item.followUpOn,
          }}
          onSaved={onSaved}
        />
      )}
    </li>
  );
}

/** A `YYYY-MM-DD` follow-up date in the agent's language (the day itself, whatever the time zone). */
function followUp(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms)
    ? new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(ms)
    : day;
}

function statusText(status: string): string {
  const key = `callStatus_${status.replace(/[^a-z]/gi, '_')}`;
  const text = t(key);
  return text === key ? status : text;
}
