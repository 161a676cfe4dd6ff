// Admin CLI: `npm run admin -- agent add|list|disable|enable|rotate-key …`, `line add|list|remove …`
// `webhook add|list|remove|test …`, `disposition set|list|require …` and `directory import …`.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Actor } from './admin/audit';
import {
  AdminError,
  adminContext,
  bindLine,
  createAgent,
  createWebhook,
  deleteWebhook,
  rotateKey,
  saveDispositions,
  sendTestWebhook,
  unbindLine,
  updateAgent,
  importDirectory,
  type AdminContext,
} from './admin/operations';
import { AgentError, listAgents } from './agents';
import { Bus } from './bus';
import { DispositionError, listDispositions } from './calls/dispositions';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/connect';
import type { ImportReport } from './directory/store';
import { loadDotEnv } from './dotenv';
import { Store } from './db/store';
import { LineError, listLines } from './lines';
import {
  WebhookError,
  listEndpoints,
  parseEndpointId,
  policyFromEnv,
  readSecretFile,
  type EndpointPolicy,
} from './outbox/endpoints';

const USAGE = `Usage:
  npm run admin -- agent add <name> [--vonage-user <user>] [--cuid <cuid>] [--admin]
  npm run admin -- agent list
  npm run admin -- agent disable <name>
  npm run admin -- agent enable <name>
  npm run admin -- agent rotate-key <name>
  npm run admin -- line add <tel:+number|contact:id> <agent>
  npm run admin -- line list
  npm run admin -- line remove <tel:+number|contact:id>
  npm run admin -- webhook add <https-url> [--secret-file <file>]
  npm run admin -- webhook list
  npm run admin -- webhook remove <id>
  npm run admin -- webhook test <id>
  npm run admin -- disposition list
  npm run admin -- disposition set <label> [<label> …]
  npm run admin -- disposition require on|off
A line (a softphone address on the signalling relay) can be registered only by the agent it is bound to.
Webhooks receive call.completed and call.updated, signed with the endpoint's secret (docs/webhooks.md);
without --secret-file a 32-byte secret is generated and shown once.
Dispositions are the outcomes agents choose after a call (set replaces the list, in that order);
require on makes choosing one mandatory.
  npm run admin -- directory import <file.csv> [--replace]
A directory CSV (UTF-8) has the header name,company,numbers,record_url (numbers in E.164, several
separated by ;); it is merged into the company directory, or with --replace becomes all of it.
The database is the backend's: DATABASE_URL, else SQLite in DATA_DIR (default ./data).`;

export class UsageError extends Error {}

/** The CLI's audit-log name: `cli:<os user>` (who ran it on the server). */
export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return { name: `cli:${user}`, source: 'cli' };
}

function parseFlags(args: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--admin' || arg === '--replace') flags.set(arg.slice(2), true);
    else if (arg === '--vonage-user' || arg === '--cuid' || arg === '--secret-file') {
      const value = args[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
    } else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}`);
    else positional.push(arg);
  }
  return { positional, flags };
}

/** Runs one CLI command against a store; returns the lines to print (the access key last). */
export async function runAdmin(
  store: Store,
  argv: string[],
  policy: EndpointPolicy = policyFromEnv(process.env),
  actor: Actor = cliActor(),
): Promise<string[]> {
  const ctx = adminContext(store, actor);
  const [group, command, ...rest] = argv;
  if (group === 'line' && command) return runLine(ctx, command, rest);
  if (group === 'webhook' && command) return runWebhook(ctx, command, rest, policy);
  if (group === 'disposition' && command) return runDisposition(ctx, command, rest);
  if (group === 'directory' && command) return runDirectory(ctx, command, rest);
  if (group !== 'agent' || !command) throw new UsageError(USAGE);
  const { positional, flags } = parseFlags(rest);
  const name = positional[0];
  const needName = () => {
    if (!name || positional.length > 1)
      throw new UsageError(`agent ${command} needs exactly one <name>\n\n${USAGE}`);
    return name;
  };
  switch (command) {
    case 'add': {
      const agentName = needName();
      const vonageUser = flags.get('vonage-user');
      const cuid = flags.get('cuid');
      const { agent, accessKey } = await createAgent(ctx, {
        name: agentName,
        ...(typeof vonageUser === 'string' ? { vonageUser } : {}),
        ...(typeof cuid === 'string' ? { cuid } : {}),
        admin: flags.get('admin') === true,
      });
      return [
        `Added agent ${agent.name}${agent.admin ? ' (admin)' : ''}.`,
        'Access key (shown once; the agent pastes it into the extension):',
        accessKey,
      ];
    }
    case 'list': {
      const agents = await listAgents(store);
      if (agents.length === 0) return ['No agents yet: npm run admin -- agent add <name>'];
      return agents.map(
        (a) =>
          `${a.name}\t${a.disabled ? 'disabled' : 'active'}${a.admin ? '\tadmin' : ''}` +
          `${a.vonageUser ? `\tvonage-user=${a.vonageUser}` : ''}${a.cuid ? `\tcuid=${a.cuid}` : ''}`,
      );
    }
    case 'disable':
      await updateAgent(ctx, needName(), { disabled: true });
      return [`Disabled agent ${name}; their sessions are signed out.`];
    case 'enable':
      await updateAgent(ctx, needName(), { disabled: false });
      return [`Enabled agent ${name}.`];
    case 'rotate-key': {
      const { accessKey } = await rotateKey(ctx, needName());
      return [
        `New access key for ${name} (the old key and its sessions no longer work):`,
        accessKey,
      ];
    }
    default:
      throw new UsageError(`Unknown command "agent ${command}"\n\n${USAGE}`);
  }
}

async function runLine(ctx: AdminContext, command: string, args: string[]): Promise<string[]> {
  const { positional } = parseFlags(args);
  const need = (count: number, what: string) => {
    if (positional.length !== count)
      throw new UsageError(`line ${command} needs ${what}\n\n${USAGE}`);
    return positional;
  };
  switch (command) {
    case 'add': {
      const [address, agent] = need(2, '<address> <agent>') as [string, string];
      const { added } = await bindLine(ctx, address, agent);
      return [
        added
          ? `Bound line ${address} to agent ${agent}.`
          : `Line ${address} is already bound to agent ${agent}.`,
      ];
    }
    case 'list': {
      need(0, 'no arguments');
      const lines = await listLines(ctx.store);
      if (lines.length === 0) return ['No lines yet: npm run admin -- line add <address> <agent>'];
      return lines.map((l) => `${l.address}\t${l.agent}`);
    }
    case 'remove': {
      const [address] = need(1, 'exactly one <address>') as [string];
      await unbindLine(ctx, address);
      return [`Removed line ${address}; no agent can register it now.`];
    }
    default:
      throw new UsageError(`Unknown command "line ${command}"\n\n${USAGE}`);
  }
}

async function runWebhook(
  ctx: AdminContext,
  command: string,
  args: string[],
  policy: EndpointPolicy,
): Promise<string[]> {
  const { positional, flags } = parseFlags(args);
  const need = (count: number, what: string) => {
    if (positional.length !== count)
      throw new UsageError(`webhook ${command} needs ${what}\n\n${USAGE}`);
    return positional;
  };
  if (command !== 'add' && flags.has('secret-file'))
    throw new UsageError(`--secret-file is for webhook add only\n\n${USAGE}`);
  switch (command) {
    case 'add': {
      const [url] = need(1, 'exactly one <https-url>') as [string];
      const file = flags.get('secret-file');
      const secret = typeof file === 'string' ? await readSecretFile(file) : undefined;
      const added = await createWebhook(ctx, url, { policy, ...(secret ? { secret } : {}) });
      return added.generated
        ? [
            `Added webhook ${added.id}: ${added.url}`,
            'Signing secret (shown once; give it to the receiver, see docs/webhooks.md):',
            added.secret,
          ]
        : [`Added webhook ${added.id}: ${added.url} (signed with the secret from ${String(file)})`];
    }
    case 'list': {
      need(0, 'no arguments');
      const endpoints = await listEndpoints(ctx.store);
      if (endpoints.length === 0)
        return ['No webhooks yet: npm run admin -- webhook add <https-url>'];
      return endpoints.map(
        (e) =>
          `${e.id}\t${e.url}\tdelivered=${e.delivered}\tfailed=${e.failed}\tpending=${e.pending}` +
          `\tfailed-attempts=${e.failedAttempts}` +
          (e.lastError
            ? `\tlast-error=${new Date(e.lastErrorAt ?? 0).toISOString()} ${e.lastError}`
            : ''),
      );
    }
    case 'remove': {
      const id = parseEndpointId(need(1, 'exactly one <id>')[0]);
      await deleteWebhook(ctx, id);
      return [`Removed webhook ${id} and its undelivered events.`];
    }
    case 'test': {
      const id = parseEndpointId(need(1, 'exactly one <id>')[0]);
      const result = await sendTestWebhook(ctx, id, policy);
      if (!result.ok)
        throw new WebhookError(`Test delivery to webhook ${id} failed: ${result.error}`);
      return [`Test delivery to webhook ${id}: HTTP ${result.status}.`];
    }
    default:
      throw new UsageError(`Unknown command "webhook ${command}"\n\n${USAGE}`);
  }
}

async function runDisposition(
  ctx: AdminContext,
  command: string,
  args: string[],
): Promise<string[]> {
  const { store } = ctx;
  const { positional } = parseFlags(args);
  switch (command) {
    case 'list': {
      if (positional.length)
        throw new UsageError(`disposition list takes no arguments\n\n${USAGE}`);
      const { items, requireOutcome } = await listDispositions(store);
      return [
        ...items.map((label, i) => `${i + 1}\t${label}`),
        `Outcome ${requireOutcome ? 'required' : 'optional'}.`,
      ];
    }
    case 'set': {
      if (!positional.length)
        throw new UsageError(`disposition set needs at least one <label>\n\n${USAGE}`);
      const { items } = await saveDispositions(ctx, { items: positional });
      return [`Dispositions (${items.length}): ${items.join(', ')}.`];
    }
    case 'require': {
      const [value] = positional;
      if (positional.length !== 1 || (value !== 'on' && value !== 'off'))
        throw new UsageError(`disposition require needs on or off\n\n${USAGE}`);
      await saveDispositions(ctx, { requireOutcome: value === 'on' });
      return [value === 'on' ? 'An outcome is now required.' : 'The outcome is now optional.'];
    }
    default:
      throw new UsageError(`Unknown command "disposition ${command}"\n\n${USAGE}`);
  }
}

async function runDirectory(ctx: AdminContext, command: string, args: string[]): Promise<string[]> {
  const { positional, flags } = parseFlags(args);
  if (command !== 'import')
    throw new UsageError(`Unknown command "directory ${command}"\n\n${USAGE}`);
  if (positional.length !== 1 || flags.has('admin'))
    throw new UsageError(`directory import needs exactly one <file.csv>\n\n${USAGE}`);
  const text = await readFile(positional[0]!, 'utf8');
  return directoryReport(
    await importDirectory(ctx, text, flags.has('replace') ? 'replace' : 'merge'),
  );
}

/** The import's outcome: a summary line, then one line per rejected row. */
export function directoryReport(report: ImportReport): string[] {
  const lines = report.rejected.map((r) => `  line ${r.line}: ${r.reason}`);
  if (!report.applied)
    return [
      `Nothing imported (${report.rejected.length} rejected); the directory is unchanged.`,
      ...lines,
    ];
  const verb = report.mode === 'replace' ? 'Replaced the directory with' : 'Merged';
  return [
    `${verb} ${report.imported} ${report.imported === 1 ? 'person' : 'people'}; ${report.rejected.length} rows rejected.`,
    ...lines,
  ];
}

async function main() {
  loadDotEnv();
  try {
    const config = loadConfig();
    const handle = await openDatabase(config);
    try {
      const lines = await runAdmin(new Store(handle, new Bus()), process.argv.slice(2));
      for (const line of lines) console.log(line);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof AdminError ||
      error instanceof AgentError ||
      error instanceof LineError ||
      error instanceof WebhookError ||
      error instanceof DispositionError ||
      error instanceof ConfigError
    ) {
      console.error(error.message);
      process.exit(error instanceof UsageError ? 2 : 1);
    }
    console.error(`admin: ${(error as Error).message}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
