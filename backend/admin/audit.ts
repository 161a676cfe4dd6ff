// The audit log: who changed what and when, from the console and the CLI alike; read, filtered,
// exported as CSV. Entries never hold a key or a secret.
import type { AuditEntry, AuditFilter, AuditPage } from '../../src/contract/admin';
import type { AuditLogRow } from '../db/schema';
import { csvLine } from '../export/callsCsv';
import type { AdminStore } from './adminStore';

/** Who acts: an admin in the console, or whoever runs the CLI (`cli:<os user>`). */
export interface Actor {
  name: string;
  source: 'console' | 'cli';
}

export async function audit(
  store: AdminStore,
  actor: Actor,
  action: string,
  target: string | null,
  detail?: Record<string, unknown>,
): Promise<void> {
  await store.appendAudit({
    at: Date.now(),
    actor: actor.name,
    source: actor.source,
    action,
    target,
    detail: detail ? JSON.stringify(detail) : null,
  });
}

export function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    source: row.source === 'cli' ? 'cli' : 'console',
    action: row.action,
    target: row.target,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
  };
}

export async function listAudit(store: AdminStore, filter: AuditFilter): Promise<AuditPage> {
  const limit = filter.limit ?? 50;
  const rows = await store.listAudit(filter, limit + 1);
  const page = rows.slice(0, limit);
  return {
    items: page.map(toAuditEntry),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

const COLUMNS = ['id', 'at', 'actor', 'source', 'action', 'target', 'detail'];

/** The filtered log as CSV (UTF-8 BOM, RFC 4180), oldest first, streamed. */
export function auditCsvStream(store: AdminStore, filter: AuditFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = store.exportAudit(filter);
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(COLUMNS)}`));
      }
      let chunk = '';
      for (let i = 0; i < 200; i++) {
        const next = await rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        const r = next.value;
        chunk += csvLine([
          r.id,
          new Date(r.at).toISOString(),
          r.actor,
          r.source,
          r.action,
          r.target,
          r.detail,
        ]);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
