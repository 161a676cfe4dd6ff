// Shows an API error in the page's language: the server's message key when it has one.
import { ApiError } from './api';
import { t } from './i18n';

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code && t(error.code) !== error.code) return t(error.code);
    return t('adminErrServer', error.message);
  }
  return t('adminErrServer', String((error as Error)?.message ?? error));
}

export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

/** A one-time secret (access key, webhook secret) with a copy button. */
export function OneTimeSecret(props: {
  title: string;
  hint: string;
  value: string;
  onClose: () => void;
}) {
  const copy = async (event: Event) => {
    await navigator.clipboard.writeText(props.value);
    (event.currentTarget as HTMLButtonElement).textContent = t('adminCopied');
  };
  return (
    <div class="card secret" role="dialog" aria-label={props.title}>
      <h2>{props.title}</h2>
      <p class="muted">{props.hint}</p>
      <div class="row">
        <code class="mono" data-secret>
          {props.value}
        </code>
        <button type="button" onClick={copy}>
          {t('adminCopy')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t('adminClose')}
        </button>
      </div>
    </div>
  );
}
