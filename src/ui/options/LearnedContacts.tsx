// The learned directory on the options page: how many numbers it holds, and a button to forget them.
import { useEffect, useState } from 'preact/hooks';
import { background } from '../../messaging/background';
import { t } from '../i18n';

export function LearnedContacts() {
  const [count, setCount] = useState<number | null>(null);
  const [cleared, setCleared] = useState(false);
  useEffect(() => {
    void background
      .send('learnedContacts', {})
      .then((r) => setCount(r.count))
      .catch(() => setCount(null));
  }, []);
  const clear = () =>
    void background.send('learnedContacts', { clear: true }).then((r) => {
      setCount(r.count);
      setCleared(true);
    });
  return (
    <section aria-labelledby="learned-title" class="card">
      <h2 id="learned-title">{t('optionsLearnedTitle')}</h2>
      <p data-testid="learned-count">{t('optionsLearnedCount', String(count ?? 0))}</p>
      <div class="row">
        <button type="button" onClick={clear} disabled={!count}>
          {t('optionsLearnedClear')}
        </button>
        <p role="status">{cleared ? t('optionsLearnedCleared') : ''}</p>
      </div>
    </section>
  );
}
