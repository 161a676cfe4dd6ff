// Copies the diagnostics report for a support request, and shows what was copied.
import { useState } from 'preact/hooks';
import { t } from '../i18n';

/** `report` builds the text at the moment of the click, so it has the latest checks. */
export function DiagnosticsCopy({ report }: { report(): string }) {
  const [copied, setCopied] = useState<'ok' | 'error' | null>(null);
  const copy = async () => {
    const text = report();
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('error');
    }
    const preview = document.getElementById('diagnostics-preview');
    if (preview) preview.textContent = text;
  };
  return (
    <section aria-labelledby="support-heading">
      <h2 id="support-heading">{t('selfTestSupport')}</h2>
      <p class="muted">{t('selfTestSupportHelp')}</p>
      <div class="row">
        <button type="button" class="primary" onClick={() => void copy()}>
          {t('selfTestCopy')}
        </button>
        <span role="status" class={copied === 'error' ? 'error' : 'ok'} data-testid="copy-status">
          {copied === 'ok'
            ? t('selfTestCopied')
            : copied === 'error'
              ? t('selfTestCopyFailed')
              : ''}
        </span>
      </div>
      <details>
        <summary>{t('selfTestPreview')}</summary>
        <pre id="diagnostics-preview" data-testid="diagnostics-preview" tabIndex={0} />
      </details>
    </section>
  );
}
