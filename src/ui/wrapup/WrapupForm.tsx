// The wrap-up form (outcome, notes, follow-up date) for one call: in the call bar and the popup,
// during the call or after, and later from recent calls. Every change is kept as a draft by the
// background; Save puts it on the call's record.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CallFailure } from '../../call/provider';
import { CALL_LIMITS, type Dispositions, type Wrapup } from '../../contract/call';
import { background, type RecentCall } from '../../messaging/background';
import { describeError, t, uiLanguage } from '../i18n';

/** How long typing pauses before the draft is written (and always on leaving a field). */
const DRAFT_DELAY_MS = 400;

const EMPTY: Wrapup = { outcome: null, notes: '', followUpOn: null };

/**
 * The form's state: the record's wrap-up, replaced by the stored draft when there is one; every
 * change is written back as the draft after a pause (and at once by `flush`).
 */
function useWrapupDraft(callId: string, initial: Wrapup | undefined, onChange: () => void) {
  const [wrapup, setWrapup] = useState<Wrapup>(initial ?? EMPTY);
  const [list, setList] = useState<Dispositions | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(wrapup);
  const dirty = useRef(false);

  useEffect(() => {
    let cancelled = false;
    background.send('dispositions', {}).then(
      (d) => !cancelled && setList(d),
      () => !cancelled && setList({ items: [], requireOutcome: false }),
    );
    background.send('wrapupDraft', { callId }).then(
      ({ draft }) => {
        if (cancelled || !draft || dirty.current) return;
        latest.current = draft;
        setWrapup(draft);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      flush();
    };
  }, [callId]);

  const flush = () => {
    if (pending.current === undefined) return;
    clearTimeout(pending.current);
    pending.current = undefined;
    void background.send('wrapupDraft', { callId, draft: latest.current }).catch(() => undefined);
  };
  const change = (patch: Partial<Wrapup>) => {
    const next = { ...latest.current, ...patch };
    latest.current = next;
    dirty.current = true;
    setWrapup(next);
    onChange();
    clearTimeout(pending.current);
    pending.current = setTimeout(flush, DRAFT_DELAY_MS);
  };

  return { wrapup, list, latest, dirty, pending, flush, change };
}

export function WrapupForm({
  callId,
  initial,
  allows = (event) => event.isTrusted,
  onSaved,
}: {
  callId: string;
  /** What the record holds already (editing from recent calls); a newer draft wins. */
  initial?: Wrapup;
  /** Whether a click on Save is the agent's own (see CallPanel). */
  allows?: (event: Event) => boolean;
  onSaved?(call: RecentCall): void;
}) {
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const { wrapup, list, latest, dirty, pending, flush, change } = useWrapupDraft(
    callId,
    initial,
    () => setStatus(null),
  );

  const save = async () => {
    if (list?.requireOutcome && !wrapup.outcome) {
      setStatus({ kind: 'error', text: t('wrapupOutcomeRequired') });
      return;
    }
    clearTimeout(pending.current);
    pending.current = undefined;
    setBusy(true);
    try {
      const saved = await background.send('saveWrapup', { callId, wrapup: latest.current });
      if (saved.ok) {
        dirty.current = false;
        setStatus({ kind: 'saved', text: t('wrapupSaved') });
        onSaved?.(saved.call);
      } else setStatus({ kind: 'error', text: t('wrapupRefused', saved.error) });
    } catch (error) {
      // Not saved (offline, signed out): the draft stays for the next try.
      await background.send('wrapupDraft', { callId, draft: latest.current }).catch(() => null);
      setStatus({ kind: 'error', text: describeError(CallFailure.from(error).toCallError()) });
    } finally {
      setBusy(false);
    }
  };

  const id = `c2c-wrapup-${callId}`;
  // An outcome saved before the admin changed the list stays selectable.
  const outcomes = list?.items ?? [];
  const options =
    wrapup.outcome && !outcomes.includes(wrapup.outcome) ? [...outcomes, wrapup.outcome] : outcomes;
  return (
    <form
      class="c2c-wrapup"
      data-testid="wrapup-form"
      aria-label={t('wrapupLabel')}
      onSubmit={(e) => e.preventDefault()}
    >
      <label for={`${id}-outcome`}>
        {t('wrapupOutcome')}
        {list?.requireOutcome ? ` (${t('wrapupRequired')})` : ''}
      </label>
      <select
        id={`${id}-outcome`}
        data-testid="wrapup-outcome"
        required={list?.requireOutcome}
        value={wrapup.outcome ?? ''}
        onChange={(e) => change({ outcome: e.currentTarget.value || null })}
        onBlur={flush}
      >
        <option value="">{t('wrapupNoOutcome')}</option>
        {options.map((label) => (
          <option key={label} value={label}>
            {label}
          </option>
        ))}
      </select>
      <NotesField
        id={id}
        notes={wrapup.notes}
        change={(notes) => change({ notes })}
        flush={flush}
        save={() => void save()}
      />
      <label for={`${id}-follow-up`}>{t('wrapupFollowUp')}</label>
      <input
        id={`${id}-follow-up`}
        data-testid="wrapup-follow-up"
        type="date"
        value={wrapup.followUpOn ?? ''}
        onInput={(e) => change({ followUpOn: e.currentTarget.value || null })}
        onBlur={flush}
      />
      <div class="c2c-actions">
        <button
          type="button"
          class="primary"
          data-testid="wrapup-save"
          disabled={busy}
          onClick={(e) => allows(e) && void save()}
        >
          {t('wrapupSave')}
        </button>
      </div>
      <p
        class={status?.kind === 'error' ? 'c2c-error' : 'c2c-wrapup-status'}
        role={status?.kind === 'error' ? 'alert' : 'status'}
        data-testid="wrapup-status"
      >
        {status?.text ?? ''}
      </p>
    </form>
  );
}

/** The notes: multi-line, with a counter against the limit; Ctrl/⌘+Enter saves. */
function NotesField({
  id,
  notes,
  change,
  flush,
  save,
}: {
  id: string;
  notes: string;
  change(notes: string): void;
  flush(): void;
  save(): void;
}) {
  const numbers = new Intl.NumberFormat(uiLanguage());
  return (
    <>
      <label for={`${id}-notes`}>{t('wrapupNotes')}</label>
      <textarea
        id={`${id}-notes`}
        data-testid="wrapup-notes"
        rows={3}
        maxLength={CALL_LIMITS.notes}
        aria-describedby={`${id}-count`}
        value={notes}
        onInput={(e) => change(e.currentTarget.value)}
        onBlur={flush}
        onKeyDown={(e) => {
          // Enter alone is a new line.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.isTrusted) {
            e.preventDefault();
            save();
          }
        }}
      />
      <span id={`${id}-count`} class="c2c-wrapup-count" data-testid="wrapup-count">
        {t('wrapupCount', [numbers.format(notes.length), numbers.format(CALL_LIMITS.notes)])}
      </span>
    </>
  );
}
