// Agents: the list with its per-agent changes, and the add form (validated with the API's schema).
// A new or rotated key is shown once, with a copy button.
import { useEffect, useState } from 'preact/hooks';
import { issueKeys, newAgentSchema, type AdminAgent } from '../../contract/admin';
import { api } from '../api';
import { TextField } from '../Field';
import { t } from '../i18n';
import { ErrorLine, OneTimeSecret } from '../Message';
import { useAction } from '../useAction';
import { AgentRow } from './AgentRow';

function AddAgentForm({ onAdded }: { onAdded: (name: string, key: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [vonageUser, setVonageUser] = useState('');
  const [cuid, setCuid] = useState('');
  const [admin, setAdmin] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, error } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = { name, admin, vonageUser, cuid };
    const parsed = newAgentSchema.safeParse(input);
    if (!parsed.success) return setErrors(issueKeys(parsed.error));
    setErrors({});
    await run(async () => {
      const { data } = await api<{ accessKey: string }>('/agents', { method: 'POST', body: input });
      setName('');
      setVonageUser('');
      setCuid('');
      setAdmin(false);
      await onAdded(parsed.data.name, data.accessKey);
    });
  };
  return (
    <form class="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="add-agent">
      <h2 id="add-agent">{t('adminAddAgent')}</h2>
      <div class="row">
        <TextField
          id="new-name"
          label={t('adminAgentName')}
          value={name}
          onInput={setName}
          error={errors.name}
        />
        <TextField
          id="new-vonage"
          label={t('adminVonageUser')}
          value={vonageUser}
          onInput={setVonageUser}
          error={errors.vonageUser}
        />
        <TextField
          id="new-cuid"
          label={t('adminCuid')}
          value={cuid}
          onInput={setCuid}
          error={errors.cuid}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={admin}
            onChange={(e) => setAdmin(e.currentTarget.checked)}
          />
          {t('adminAgentAdmin')}
        </label>
        <button type="submit" disabled={busy}>
          {t('adminAddAgent')}
        </button>
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

export function AgentsPage() {
  const [agents, setAgents] = useState<AdminAgent[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const load = async () => {
    const { data } = await api<{ agents: AdminAgent[] }>('/agents');
    setAgents(data.agents);
  };
  useEffect(() => {
    load().catch(setLoadError);
  }, []);
  // A change to one agent, then the list again (after a refusal too: it shows the current state).
  const { run, busy, error } = useAction(load);
  const showKey = (name: string, key: string) => setSecret({ name, key });
  return (
    <section class="page" aria-labelledby="agents-title">
      <h1 id="agents-title">{t('adminTabAgents')}</h1>
      {secret && (
        <OneTimeSecret
          title={t('adminNewKeyTitle', secret.name)}
          hint={t('adminNewKeyHint')}
          value={secret.key}
          onClose={() => setSecret(null)}
        />
      )}
      <AddAgentForm
        onAdded={async (name, key) => {
          showKey(name, key);
          await load();
        }}
      />
      <ErrorLine error={error ?? loadError} />
      <table class="list" data-list="agents">
        <thead>
          <tr>
            <th>{t('adminAgentName')}</th>
            <th>
              {t('adminVonageUser')} / {t('adminCuid')}
            </th>
            <th>{t('adminLines')}</th>
            <th>{t('adminActions')}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <AgentRow
              key={`${agent.name}:${agent.version}`}
              agent={agent}
              actions={{ run, busy, showKey }}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}
