// The outcome (disposition) list agents choose from after a call: one per line, in the order agents
// see them, and whether choosing one is required. Saved with the ETag it was loaded with, so a
// change another admin made meanwhile is reported (412) instead of overwritten.
import { useEffect, useState } from 'preact/hooks';
import type { Dispositions } from '../../contract/call';
import { api } from '../api';
import { t } from '../i18n';
import { ErrorLine } from '../Message';
import { useAction } from '../useAction';

export function OutcomesSettings() {
  const [text, setText] = useState('');
  const [required, setRequired] = useState(false);
  const [tag, setTag] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const show = (list: Dispositions, etag: string | null) => {
    setText(list.items.join('\n'));
    setRequired(list.requireOutcome);
    setTag(etag);
  };
  const load = async () => {
    const { data, response } = await api<Dispositions>('/dispositions');
    show(data, response.headers.get('etag'));
  };
  useEffect(() => {
    load().catch(setLoadError);
  }, []);
  // After a save the list is read again: a refused one (412, another admin saved meanwhile) then
  // shows what they saved, so the next save starts from it.
  const { run, busy, error } = useAction(load);
  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const items = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return run(async () => {
      const { data, response } = await api<Dispositions>('/dispositions', {
        method: 'PUT',
        body: { items, requireOutcome: required },
        headers: tag ? { 'if-match': tag } : {},
      });
      show(data, response.headers.get('etag'));
      setSaved(true);
    });
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate data-section="outcomes">
      <div class="field">
        <label for="outcomes-list">{t('adminOutcomesHint')}</label>
        <textarea
          id="outcomes-list"
          rows={7}
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={required}
          onChange={(e) => setRequired((e.target as HTMLInputElement).checked)}
        />{' '}
        {t('adminOutcomeRequired')}
      </label>
      <p>
        <button type="submit" disabled={busy}>
          {t('adminSave')}
        </button>{' '}
        {saved && <span role="status">{t('adminSavedOutcomes')}</span>}
      </p>
      <ErrorLine error={error ?? loadError} />
    </form>
  );
}
