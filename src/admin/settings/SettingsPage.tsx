// Settings: what the environment fixes (read-only, with the variable that sets it), the sections
// other features register (the outcome list), and the outgoing webhook endpoints.
import { useEffect, useState } from 'preact/hooks';
import { issueKeys, newWebhookSchema, type AdminSettings } from '../../contract/admin';
import type { DeliveryView } from './delivery';
import { api } from '../api';
import { TextField } from '../Field';
import { t } from '../i18n';
import { ErrorLine, OneTimeSecret } from '../Message';
import { settingsSections } from '../settingsSections';
import { useAction } from '../useAction';

function Fixed({ label, value, env }: { label: string; value: string; env: string }) {
  return (
    <div class="field" data-setting={env}>
      <span class="label">{label}</span>
      <input readOnly value={value} aria-label={label} aria-describedby={`${env}-note`} />
      <span id={`${env}-note`} class="muted hint">
        {t('adminFixedByEnv', env)}
      </span>
    </div>
  );
}

function Webhooks({ settings, reload }: { settings: AdminSettings; reload: () => Promise<void> }) {
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<{ id: number; secret: string } | null>(null);
  const [tests, setTests] = useState<Record<number, string>>({});
  const { run, busy, error } = useAction(reload);
  const add = (event: Event) => {
    event.preventDefault();
    const parsed = newWebhookSchema.safeParse({ url, secret });
    if (!parsed.success) return setErrors(issueKeys(parsed.error));
    setErrors({});
    return run(async () => {
      const { data } = await api<{ id: number; secret?: string }>('/webhooks', {
        method: 'POST',
        body: { url, ...(secret ? { secret } : {}) },
      });
      if (data.secret) setShown({ id: data.id, secret: data.secret });
      setUrl('');
      setSecret('');
    });
  };
  const test = (id: number) =>
    run(async () => {
      const { data } = await api<DeliveryView>(`/webhooks/${id}/test`, { method: 'POST' });
      setTests((all) => ({
        ...all,
        [id]: data.ok ? t('adminTestOk', data.status) : t('adminTestFailed', data.error),
      }));
    });
  return (
    <section class="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('adminWebhooks')}</h2>
      {shown && (
        <OneTimeSecret
          title={t('adminNewSecretTitle', shown.id)}
          hint={t('adminNewSecretHint')}
          value={shown.secret}
          onClose={() => setShown(null)}
        />
      )}
      {settings.webhooks.length === 0 && <p class="muted">{t('adminNoWebhooks')}</p>}
      <ul class="webhooks">
        {settings.webhooks.map((w) => (
          <li key={w.id} data-webhook={w.id}>
            <span class="mono">{w.url}</span>
            <span class="muted">
              {' '}
              {t('adminDelivered')} {w.delivered} · {t('adminFailed')} {w.failed} ·{' '}
              {t('adminPending')} {w.pending}
              {w.lastError ? ` · ${t('adminLastError')}: ${w.lastError}` : ''}
            </span>{' '}
            <button type="button" disabled={busy} onClick={() => void test(w.id)}>
              {t('adminSendTest')}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void run(() => api(`/webhooks/${w.id}`, { method: 'DELETE' }))}
            >
              {t('adminRemove')}
            </button>
            {tests[w.id] && <span role="status"> {tests[w.id]}</span>}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void add(e)} noValidate class="row">
        <TextField
          id="webhook-url"
          label={t('adminWebhookUrl')}
          value={url}
          onInput={setUrl}
          error={errors.url}
        />
        <TextField
          id="webhook-secret"
          type="password"
          label={t('adminWebhookSecret')}
          value={secret}
          onInput={setSecret}
          error={errors.secret}
        />
        <button type="submit" disabled={busy}>
          {t('adminAddWebhook')}
        </button>
      </form>
      <ErrorLine error={error} />
    </section>
  );
}

export function SettingsPage() {
  const [settings, setSettings] = useState<AdminSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => setSettings((await api<AdminSettings>('/settings')).data);
  useEffect(() => {
    load().catch(setError);
  }, []);
  const countries = settings?.allowedCountries.value ?? [];
  return (
    <section class="page" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('adminTabSettings')}</h1>
      <ErrorLine error={error} />
      {settings && (
        <>
          <section class="card">
            <Fixed
              label={t('adminCountries')}
              env={settings.allowedCountries.env}
              value={
                countries.includes('*')
                  ? t('adminAllCountries')
                  : countries.length
                    ? countries.join(', ')
                    : t('adminNoCountries')
              }
            />
            <Fixed
              label={t('adminNumberTypes')}
              env={settings.allowedNumberTypes.env}
              value={settings.allowedNumberTypes.value.join(', ')}
            />
            <Fixed
              label={t('adminSessionTtl')}
              env={settings.sessionTtlSec.env}
              value={t('adminMinutes', Math.round(settings.sessionTtlSec.value / 60))}
            />
            <Fixed
              label={t('adminIdleTimeout')}
              env={settings.adminIdleSec.env}
              value={t('adminMinutes', Math.round(settings.adminIdleSec.value / 60))}
            />
          </section>
          {settingsSections.map(({ id, titleKey, Section }) => (
            <section class="card" key={id} aria-label={t(titleKey)}>
              <h2>{t(titleKey)}</h2>
              <Section />
            </section>
          ))}
          <Webhooks settings={settings} reload={load} />
        </>
      )}
    </section>
  );
}
