// What an admin can change — agents, their keys and lines, webhook endpoints, the company
// directory — with its audit entry.
// The console's routes and the CLI (backend/admin.ts) both call these, so both behave and log alike.
import type { AdminAgent, AgentPatch, NewAgentInput } from '../../src/contract/admin';
import { addAgent, rotateAgentKey } from '../agents';
import type { Dispositions } from '../../src/contract/call';
import { listDispositions, setDispositions, setRequireOutcome } from '../calls/dispositions';
import type { AgentRow } from '../db/schema';
import type { DirectoryImportMode } from '../../src/contract/directory';
import { importDirectoryCsv, type ImportReport } from '../directory/store';
import type { Store } from '../db/store';
import { addLine, parseLineAddress, removeLine } from '../lines';
import {
  addEndpoint,
  removeEndpoint,
  testEndpoint,
  type EndpointPolicy,
} from '../outbox/endpoints';
import type { DeliveryResult } from '../outbox/deliver';
import { AdminStore, type AgentChange } from './adminStore';
import { audit, type Actor } from './audit';

/** A refusal with its HTTP status and, for the console, a locale key. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 412 | 428,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface AdminContext {
  store: Store;
  admin: AdminStore;
  actor: Actor;
}

/** Imports a company directory CSV (merge or replace); an import that changed it is audited. */
export async function importDirectory(
  ctx: AdminContext,
  csv: string,
  mode: DirectoryImportMode,
): Promise<ImportReport> {
  const report = await importDirectoryCsv(ctx.store.db, csv, mode);
  if (report.applied)
    await audit(ctx.admin, ctx.actor, 'directory.import', null, {
      entries: report.imported,
      mode,
      rejected: report.rejected.length,
    });
  return report;
}

export function adminContext(store: Store, actor: Actor): AdminContext {
  return { store, admin: new AdminStore(store.db), actor };
}

function toAdminAgent(row: AgentRow, lines: string[]): AdminAgent {
  return {
    name: row.name,
    admin: row.admin === 1,
    disabled: row.disabled === 1,
    vonageUser: row.vonage_user,
    cuid: row.cuid,
    lines,
    version: Number(row.version),
    createdAt: Number(row.created_at),
  };
}

export async function listAdminAgents(ctx: AdminContext): Promise<AdminAgent[]> {
  const [rows, lines] = await Promise.all([ctx.store.listAgents(), ctx.admin.linesByAgent()]);
  return rows.map((row) => toAdminAgent(row, lines.get(row.id) ?? []));
}

async function requireAgentRow(ctx: AdminContext, name: string): Promise<AgentRow> {
  const row = await ctx.store.getAgentByName(name);
  if (!row) throw new AdminError(`No agent named "${name}"`, 404, 'adminErrNoAgent');
  return row;
}

export async function getAdminAgent(ctx: AdminContext, name: string): Promise<AdminAgent> {
  const row = await requireAgentRow(ctx, name);
  return toAdminAgent(row, (await ctx.admin.linesByAgent()).get(row.id) ?? []);
}

/** Adds an agent; the access key is returned once and never stored in clear. */
export async function createAgent(
  ctx: AdminContext,
  input: NewAgentInput & { name: string },
): Promise<{ agent: AdminAgent; accessKey: string }> {
  if (await ctx.store.getAgentByName(input.name))
    throw new AdminError(`Agent "${input.name}" already exists`, 409, 'adminErrAgentExists');
  const { accessKey } = await addAgent(ctx.store, input.name, {
    admin: input.admin === true,
    ...(input.vonageUser ? { vonageUser: input.vonageUser } : {}),
    ...(input.cuid ? { cuid: input.cuid } : {}),
  });
  await audit(ctx.admin, ctx.actor, 'agent.add', input.name, {
    admin: input.admin === true,
    vonageUser: input.vonageUser ?? null,
    cuid: input.cuid ?? null,
  });
  return { agent: await getAdminAgent(ctx, input.name), accessKey };
}

/**
 * Changes an agent if it is still at `version` (the console's If-Match; the CLI passes none and
 * changes whatever is current). Disabling signs the agent out everywhere; dropping the admin flag
 * ends their console sessions. An admin cannot lock themself out from the console.
 */
export async function updateAgent(
  ctx: AdminContext,
  name: string,
  patch: AgentPatch,
  version?: number,
): Promise<AdminAgent> {
  const current = await requireAgentRow(ctx, name);
  if (
    ctx.actor.source === 'console' &&
    ctx.actor.name === name &&
    (patch.disabled === true || patch.admin === false)
  )
    throw new AdminError(
      'You cannot disable yourself or remove your own admin flag: ask another admin',
      403,
      'adminErrSelf',
    );
  if (patch.vonageUser) {
    const owner = await ctx.admin.vonageUserOwner(patch.vonageUser);
    if (owner && owner !== name)
      throw new AdminError(
        `Vonage user "${patch.vonageUser}" already belongs to agent "${owner}"`,
        409,
        'adminErrVonageTaken',
      );
  }
  const change: AgentChange = {};
  if (patch.admin !== undefined) change.admin = patch.admin ? 1 : 0;
  if (patch.disabled !== undefined) change.disabled = patch.disabled ? 1 : 0;
  if (patch.vonageUser !== undefined) change.vonage_user = patch.vonageUser;
  if (patch.cuid !== undefined) change.cuid = patch.cuid;
  const result = await ctx.admin.changeAgent(name, version ?? Number(current.version), change);
  if (result === 'missing')
    throw new AdminError(`No agent named "${name}"`, 404, 'adminErrNoAgent');
  if (result === 'conflict') throw conflict(name);
  const now = Date.now();
  if (change.disabled === 1) await ctx.store.revokeAgentSessions(result.id, now);
  if (change.disabled === 1 || change.admin === 0)
    await ctx.admin.revokeAgentSessions(result.id, now);
  await audit(ctx.admin, ctx.actor, actionOf(change), name, { ...patch });
  return getAdminAgent(ctx, name);
}

function actionOf(change: AgentChange): string {
  const keys = Object.keys(change);
  if (keys.length === 1 && change.disabled !== undefined)
    return change.disabled ? 'agent.disable' : 'agent.enable';
  return 'agent.update';
}

function conflict(name: string): AdminError {
  return new AdminError(
    `Agent "${name}" was changed by someone else since you loaded it: reload and apply your change again`,
    412,
    'adminErrConflict',
  );
}

/** A new access key; the old key and every session it opened (extension and console) stop working. */
export async function rotateKey(
  ctx: AdminContext,
  name: string,
  version?: number,
): Promise<{ agent: AdminAgent; accessKey: string }> {
  const current = await requireAgentRow(ctx, name);
  if (version !== undefined && Number(current.version) !== version) throw conflict(name);
  const { accessKey } = await rotateAgentKey(ctx.store, name);
  await ctx.admin.revokeAgentSessions(current.id, Date.now());
  await audit(ctx.admin, ctx.actor, 'agent.rotate-key', name);
  return { agent: await getAdminAgent(ctx, name), accessKey };
}

export async function bindLine(
  ctx: AdminContext,
  address: string,
  agent: string,
): Promise<{ added: boolean }> {
  const result = await addLine(ctx.store, address, agent);
  if (result.added)
    await audit(ctx.admin, ctx.actor, 'line.add', parseLineAddress(address), { agent });
  return result;
}

export async function unbindLine(ctx: AdminContext, address: string): Promise<void> {
  const line = parseLineAddress(address);
  const owner = await ctx.store.getLineOwner(line);
  await removeLine(ctx.store, line);
  await audit(ctx.admin, ctx.actor, 'line.remove', line, { agent: owner ?? null });
}

export async function createWebhook(
  ctx: AdminContext,
  url: string,
  opts: { secret?: string; policy: EndpointPolicy },
): ReturnType<typeof addEndpoint> {
  const added = await addEndpoint(ctx.store, url, opts);
  await audit(ctx.admin, ctx.actor, 'webhook.add', String(added.id), { url: added.url });
  return added;
}

export async function deleteWebhook(ctx: AdminContext, id: number): Promise<void> {
  const endpoint = await ctx.store.getWebhookEndpoint(id);
  await removeEndpoint(ctx.store, id);
  await audit(ctx.admin, ctx.actor, 'webhook.remove', String(id), { url: endpoint?.url ?? null });
}

export async function sendTestWebhook(
  ctx: AdminContext,
  id: number,
  policy: EndpointPolicy,
): Promise<DeliveryResult> {
  const result = await testEndpoint(ctx.store, id, { policy });
  await audit(
    ctx.admin,
    ctx.actor,
    'webhook.test',
    String(id),
    result.ok ? { ok: true, status: result.status } : { ok: false, error: result.error },
  );
  return result;
}

/** Replaces the outcome list (and whether one is required), refused whole when a label is not fit. */
export async function saveDispositions(
  ctx: AdminContext,
  change: Partial<Dispositions>,
): Promise<Dispositions> {
  const before = await listDispositions(ctx.store);
  if (change.items) await setDispositions(ctx.store, change.items);
  if (change.requireOutcome !== undefined)
    await setRequireOutcome(ctx.store, change.requireOutcome);
  const after = await listDispositions(ctx.store);
  if (JSON.stringify(before) !== JSON.stringify(after))
    await audit(ctx.admin, ctx.actor, 'dispositions.set', null, {
      items: after.items,
      requireOutcome: after.requireOutcome,
    });
  return after;
}
