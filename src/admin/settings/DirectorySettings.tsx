// The company directory: how many people and numbers it holds, and a CSV import (a file or pasted
// text, merged or replacing it) with its progress and the server's report of every rejected row.
// Its entries are never listed here: agents look up one number at a time.
import { useEffect, useState } from 'preact/hooks';
import {
  DIRECTORY_IMPORT_MAX_BYTES,
  type DirectoryCount,
  type DirectoryImportMode,
  type DirectoryImportResult,
} from '../../contract/directory';
import { api } from '../api';
import { language, t } from '../i18n';
import { ErrorLine } from '../Message';

type Step = { kind: 'idle' } | { kind: 'reading' } | { kind: 'sending'; bytes: number };

const formatCount = (n: number) => n.toLocaleString(language.replace('_', '-'));

function Count({ count }: { count: DirectoryCount | null }) {
  if (!count) return null;
  return (
    <p data-directory-count>
      {count.people === 0
        ? t('adminDirectoryEmpty')
        : t('adminDirectoryCount', formatCount(count.people), formatCount(count.numbers))}
    </p>
  );
}

function Report({ result }: { result: DirectoryImportResult }) {
  const { report } = result;
  return (
    <div role="status" data-directory-report={report.applied ? 'applied' : 'unchanged'}>
      <p>
        {!report.applied
          ? t('adminDirectoryNothing')
          : report.mode === 'replace'
            ? t('adminDirectoryReplaced', formatCount(report.imported))
            : t('adminDirectoryMerged', formatCount(report.imported))}{' '}
        {report.rejected.length > 0 &&
          t('adminDirectoryRejectedCount', formatCount(report.rejected.length))}
      </p>
      {report.rejected.length > 0 && (
        <table class="list" aria-label={t('adminDirectoryRejectedTitle')}>
          <thead>
            <tr>
              <th scope="col">{t('adminDirectoryLine')}</th>
              <th scope="col">{t('adminDirectoryReason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rejected.map((r) => (
              <tr key={`${r.line}:${r.reason}`} data-rejected-line={r.line}>
                <td>{r.line}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function DirectorySettings() {
  const [count, setCount] = useState<DirectoryCount | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [mode, setMode] = useState<DirectoryImportMode>('merge');
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [result, setResult] = useState<DirectoryImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    api<DirectoryCount>('/directory')
      .then(({ data }) => setCount(data))
      .catch(setError);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    setError(null);
    setProblem(null);
    if (!file && !pasted.trim()) return setProblem(t('adminDirectoryNoInput'));
    if (file && file.size > DIRECTORY_IMPORT_MAX_BYTES)
      return setProblem(t('adminDirectoryTooLarge'));
    try {
      setStep({ kind: 'reading' });
      const csv = file ? await file.text() : pasted;
      setStep({ kind: 'sending', bytes: new Blob([csv]).size });
      const { data } = await api<DirectoryImportResult>('/directory/import', {
        method: 'POST',
        body: { mode, csv },
      });
      setResult(data);
      setCount(data.count);
    } catch (e) {
      setError(e);
    } finally {
      setStep({ kind: 'idle' });
    }
  };

  const busy = step.kind !== 'idle';
  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-section="directory" aria-busy={busy}>
      <Count count={count} />
      <p class="muted">{t('adminDirectoryHint')}</p>
      <div class="field">
        <label for="directory-file">{t('adminDirectoryFile')}</label>
        <input
          id="directory-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          disabled={busy}
          onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
      </div>
      <div class="field">
        <label for="directory-paste">{t('adminDirectoryPaste')}</label>
        <textarea
          id="directory-paste"
          rows={4}
          class="mono"
          placeholder="name,company,numbers,record_url"
          value={pasted}
          disabled={busy || file !== null}
          onInput={(e) => setPasted((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <fieldset>
        <legend>{t('adminDirectoryMode')}</legend>
        {(['merge', 'replace'] as const).map((m) => (
          <label class="check" key={m}>
            <input
              type="radio"
              name="directory-mode"
              value={m}
              checked={mode === m}
              disabled={busy}
              onChange={() => setMode(m)}
            />{' '}
            {t(m === 'merge' ? 'adminDirectoryMerge' : 'adminDirectoryReplace')}
          </label>
        ))}
      </fieldset>
      <p>
        <button type="submit" disabled={busy}>
          {t('adminDirectoryImport')}
        </button>{' '}
        {busy && (
          <span role="status">
            <progress aria-label={t('adminDirectoryImport')} />{' '}
            {step.kind === 'reading'
              ? t('adminDirectoryReading')
              : t('adminDirectorySending', formatCount(Math.max(1, Math.round(step.bytes / 1024))))}
          </span>
        )}
      </p>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorLine error={error} />
      {result && <Report result={result} />}
    </form>
  );
}
