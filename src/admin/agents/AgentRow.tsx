// One agent in the Agents list: status and flags, Vonage user and cuid, lines, key rotation. Every
// change sends the version the row was loaded at (If-Match): a conflicting edit is refused (412).
import { useState } from 'preact/hooks';
import { agentPatchSchema, issueKeys, lineSchema, type AdminAgent } from '../../contract/admin';
import { api } from '../api';
import { TextField } from '../Field';
import { t } from '../i18n';

export interface RowActions {
  /** Runs a change; reloads the list after it (and after a refusal). */
  run: (change: () => Promise<unknown>) => Promise<void>;
  /** A change is running (the row's buttons wait for it). */
  busy: boolean;
  showKey: (name: string, key: string) => void;
}

export function AgentRow({ agent, actions }: { agent: AdminAgent; actions: RowActions }) {
  const [vonageUser, setVonageUser] = useState(agent.vonageUser ?? '');
  const [cuid, setCuid] = useState(agent.cuid ?? '');
  const [line, setLine] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const path = `/agents/${encodeURIComponent(agent.name)}`;
  const ifMatch = { 'if-match': `"${agent.version}"` };
  const patch = (body: unknown) => {
    const parsed = agentPatchSchema.safeParse(body);
    if (!parsed.success) return setErrors(issueKeys(parsed.error));
    setErrors({});
    return actions.run(() => api(path, { method: 'PATCH', body, headers: ifMatch }));
  };
  const addLine = () => {
    const parsed = lineSchema.safeParse({ address: line });
    if (!parsed.success) return setErrors(issueKeys(parsed.error));
    setErrors({});
    return actions.run(async () => {
      await api(`${path}/lines`, { method: 'POST', body: parsed.data });
      setLine('');
    });
  };
  const rotate = () =>
    actions.run(async () => {
      const { data } = await api<{ accessKey: string }>(`${path}/rotate-key`, {
        method: 'POST',
        headers: ifMatch,
      });
      actions.showKey(agent.name, data.accessKey);
    });
  const id = (field: string) => `agent-${agent.name}-${field}`;
  return (
    <tr data-agent={agent.name} data-version={agent.version}>
      <td>
        <strong>{agent.name}</strong>
        <div class="muted">
          {agent.disabled ? t('adminDisabled') : t('adminActive')}
          {agent.admin ? ` · ${t('adminAgentAdmin')}` : ''}
        </div>
      </td>
      <td>
        <TextField
          id={id('vonage')}
          label={t('adminVonageUser')}
          value={vonageUser}
          onInput={setVonageUser}
          error={errors.vonageUser}
        />
        <TextField
          id={id('cuid')}
          label={t('adminCuid')}
          value={cuid}
          onInput={setCuid}
          error={errors.cuid}
        />
        <button
          type="button"
          disabled={actions.busy}
          onClick={() => void patch({ vonageUser, cuid })}
        >
          {t('adminSave')}
        </button>
      </td>
      <td>
        <ul class="lines">
          {agent.lines.map((address) => (
            <li key={address}>
              <span class="mono">{address}</span>{' '}
              <button
                type="button"
                disabled={actions.busy}
                onClick={() =>
                  void actions.run(() =>
                    api(`${path}/lines/${encodeURIComponent(address)}`, { method: 'DELETE' }),
                  )
                }
              >
                {t('adminRemove')}
              </button>
            </li>
          ))}
        </ul>
        <TextField
          id={id('line')}
          label={t('adminLineAddress')}
          value={line}
          onInput={setLine}
          error={errors.address}
        />
        <button type="button" disabled={actions.busy} onClick={() => void addLine()}>
          {t('adminAddLine')}
        </button>
      </td>
      <td class="actions">
        <button
          type="button"
          disabled={actions.busy}
          onClick={() => void patch({ disabled: !agent.disabled })}
        >
          {agent.disabled ? t('adminEnable') : t('adminDisable')}
        </button>
        <button
          type="button"
          disabled={actions.busy}
          onClick={() => void patch({ admin: !agent.admin })}
        >
          {agent.admin ? t('adminRemoveAdmin') : t('adminMakeAdmin')}
        </button>
        <button type="button" disabled={actions.busy} onClick={() => void rotate()}>
          {t('adminRotateKey')}
        </button>
        {errors._ && <span class="error">{t(errors._)}</span>}
      </td>
    </tr>
  );
}
