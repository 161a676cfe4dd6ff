// Softphone lines: which agent may register a `tel:` or `contact:` address on the signalling relay.
import { addressSchema } from '../src/call/signalling';
import type { Store } from './db/store';

export class LineError extends Error {}

export interface LineInfo {
  address: string;
  agent: string;
}

/** A line address as the relay accepts it for `register`: `tel:+E164` or `contact:<id>`. */
export function parseLineAddress(address: string): string {
  const parsed = addressSchema.safeParse(address);
  if (!parsed.success || parsed.data.startsWith('agent:')) {
    throw new LineError(
      `Invalid line "${address}": use tel:+<country code and number> or contact:<id>`,
    );
  }
  return parsed.data;
}

/** Binds a line to an agent. Binding it again to the same agent is a no-op. */
export async function addLine(
  store: Store,
  address: string,
  agentName: string,
): Promise<{ added: boolean }> {
  const line = parseLineAddress(address);
  const agent = await store.getAgentByName(agentName);
  if (!agent) throw new LineError(`No agent named "${agentName}"`);
  if (await store.insertLine(line, agent.id, Date.now())) return { added: true };
  const owner = await store.getLineOwner(line);
  if (owner === agent.name) return { added: false };
  throw new LineError(
    `Line ${line} is bound to agent "${owner ?? '?'}": remove it first (line remove ${line})`,
  );
}

export async function removeLine(store: Store, address: string): Promise<void> {
  const line = parseLineAddress(address);
  if (!(await store.deleteLine(line))) throw new LineError(`Line ${line} is not bound`);
}

export function listLines(store: Store): Promise<LineInfo[]> {
  return store.listLines();
}

/** Whether `agent` may register `address` on the relay: only the agent the line is bound to. */
export async function mayRegisterLine(
  store: Store,
  agent: string,
  address: string,
): Promise<boolean> {
  return (await store.getLineOwner(address)) === agent;
}
