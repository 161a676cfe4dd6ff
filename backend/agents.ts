// Agent accounts: creation, access keys (scrypt-hashed, compared in constant time), sessions.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { AgentAccount } from '../src/contract/agent';
import { AGENT_NAME, CONTACT_ID as VONAGE_USER } from '../src/contract/ids';
import type { AgentRow } from './db/schema';
import type { Store } from './db/store';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

export class AgentError extends Error {}

/** Public view of an agent (what the CLI lists; `/api/session` returns it without `disabled`). */
export function agentInfo(row: AgentRow): AgentAccount {
  const info: AgentAccount = {
    name: row.name,
    admin: row.admin === 1,
    disabled: row.disabled === 1,
  };
  if (row.vonage_user) info.vonageUser = row.vonage_user;
  if (row.cuid) info.cuid = row.cuid;
  return info;
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEY_LEN, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// A fixed hash to spend the same time on unknown key ids as on known ones.
let dummyHash: Promise<string> | undefined;

/** Access keys look like `c2c_<keyId>_<secret>`: the id finds the agent, the secret is checked. */
function newAccessKey(): { keyId: string; secret: string; accessKey: string } {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { keyId, secret, accessKey: `c2c_${keyId}_${secret}` };
}

export function parseAccessKey(accessKey: string): { keyId: string; secret: string } | null {
  const match = /^c2c_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(accessKey);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}

export interface AddAgentOptions {
  vonageUser?: string;
  cuid?: string;
  admin?: boolean;
}

export async function addAgent(
  store: Store,
  name: string,
  opts: AddAgentOptions = {},
): Promise<{ agent: AgentAccount; accessKey: string }> {
  if (!AGENT_NAME.test(name)) {
    throw new AgentError(
      `Invalid agent name "${name}": use letters, digits, "_", "." or "-" (max 64)`,
    );
  }
  if (opts.vonageUser !== undefined && !VONAGE_USER.test(opts.vonageUser)) {
    throw new AgentError(`Invalid Vonage user name "${opts.vonageUser}"`);
  }
  if (opts.cuid !== undefined && !VONAGE_USER.test(opts.cuid)) {
    throw new AgentError(`Invalid CleverTap cuid "${opts.cuid}"`);
  }
  if (await store.getAgentByName(name)) throw new AgentError(`Agent "${name}" already exists`);
  if (opts.vonageUser && (await store.getAgentByVonageUser(opts.vonageUser))) {
    throw new AgentError(`Vonage user "${opts.vonageUser}" already belongs to another agent`);
  }
  const { keyId, secret, accessKey } = newAccessKey();
  const row = await store.insertAgent({
    name,
    key_id: keyId,
    key_hash: await hashSecret(secret),
    admin: opts.admin ? 1 : 0,
    disabled: 0,
    vonage_user: opts.vonageUser ?? null,
    cuid: opts.cuid ?? null,
    created_at: Date.now(),
  });
  return { agent: agentInfo(row), accessKey };
}

export async function listAgents(store: Store): Promise<AgentAccount[]> {
  return (await store.listAgents()).map(agentInfo);
}

export async function disableAgent(store: Store, name: string): Promise<void> {
  const agent = await store.getAgentByName(name);
  if (!agent) throw new AgentError(`No agent named "${name}"`);
  await store.updateAgent(name, { disabled: 1 });
  await store.revokeAgentSessions(agent.id, Date.now());
}

export async function enableAgent(store: Store, name: string): Promise<void> {
  if (!(await store.updateAgent(name, { disabled: 0 })))
    throw new AgentError(`No agent named "${name}"`);
}

/** Issues a new access key; the old one and every session it opened stop working. */
export async function rotateAgentKey(store: Store, name: string): Promise<{ accessKey: string }> {
  const agent = await store.getAgentByName(name);
  if (!agent) throw new AgentError(`No agent named "${name}"`);
  const { keyId, secret, accessKey } = newAccessKey();
  await store.updateAgent(name, { key_id: keyId, key_hash: await hashSecret(secret) });
  await store.revokeAgentSessions(agent.id, Date.now());
  return { accessKey };
}

/** Finds the agent an access key belongs to, or undefined; takes about the same time either way. */
export async function checkAccessKey(
  store: Store,
  accessKey: string,
): Promise<AgentRow | undefined> {
  const parsed = parseAccessKey(accessKey);
  const agent = parsed ? await store.getAgentByKeyId(parsed.keyId) : undefined;
  if (!agent || !parsed) {
    dummyHash ??= hashSecret('not-a-real-key');
    await verifySecret(parsed?.secret ?? accessKey, await dummyHash);
    return undefined;
  }
  return (await verifySecret(parsed.secret, agent.key_hash)) ? agent : undefined;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opens a session: a random bearer token; only its SHA-256 is stored. */
export async function createSession(
  store: Store,
  agent: AgentRow,
  ttlSec: number,
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + ttlSec * 1000;
  await store.createSession(agent.id, hashToken(token), now, expiresAt);
  return { token, expiresAt };
}
