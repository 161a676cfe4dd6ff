// Call history: the signed-in agent's calls, newest first; admins may page through everyone's.
// `PUT /:id/wrapup` saves the agent's outcome, notes and follow-up date for one of their calls.
// The export (CSV) streams the same records with filters: admins everyone's, agents their own.
// `POST /clevertap`: the extension reports a CleverTap Signed Call's progress (no vendor webhook).
import { Hono, type MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { callReportSchema } from '../../src/contract/callReport';
import { wrapupSchema } from '../../src/contract/schemas';
import { requireAgent } from '../auth';
import { saveCallReport } from '../calls/clevertap';
import { saveWrapup } from '../calls/wrapup';
import type { AppDeps, AppEnv } from '../context';
import { ACTIVE_STATUSES, FINAL_STATUSES, decodeCursor, toCallView } from '../db/store';
import { callsCsvStream } from '../export/callsCsv';
import { RateLimiter } from '../rateLimit';

/** A call sends about four reports (ringing, answered, ended, a retry): room for many calls a minute. */
export const CALL_REPORTS_PER_MINUTE = 120;

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
  all: z.enum(['0', '1', 'true', 'false']).optional(),
});

const KNOWN_STATUSES = new Set<string>([...FINAL_STATUSES, ...ACTIVE_STATUSES, 'disconnected']);

/** Epoch ms from `2026-12-01` (that day's start, or with `end` the next day's, UTC) or an ISO date-time. */
function parseDate(value: string, end: boolean): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(ms) ? ms + (end ? 86_400_000 : 0) : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const exportSchema = z.object({
  format: z.string().max(16).default('csv'),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  agent: z.string().max(64).optional(),
  status: z.string().max(400).optional(),
});

/**
 * `GET /export`: the CSV export (mounted first so the history route below stays as it was). The
 * extension's agents use their bearer token; the admin console mounts it behind its cookie session.
 */
export function exportRoutes(deps: AppDeps, auth: MiddlewareHandler<AppEnv> = requireAgent(deps)) {
  return new Hono<AppEnv>().get(
    '/export',
    auth,
    validator('query', (value, c) => {
      const parsed = exportSchema.safeParse(value);
      if (!parsed.success)
        return c.json({ error: 'Export filters: format, from, to, agent, status' }, 400);
      return parsed.data;
    }),
    (c) => {
      const query = c.req.valid('query');
      const agent = c.get('agent');
      if (query.format !== 'csv')
        return c.json({ error: `Unknown export format "${query.format}": use format=csv` }, 400);
      const from = query.from === undefined ? undefined : parseDate(query.from, false);
      const to = query.to === undefined ? undefined : parseDate(query.to, true);
      if (from === null || to === null)
        return c.json(
          { error: 'from and to take a date (2026-12-01) or an ISO date-time (…T10:00:00Z)' },
          400,
        );
      if (from !== undefined && to !== undefined && from >= to)
        return c.json({ error: 'from must be before to' }, 400);
      const statuses = query.status ? query.status.split(',').map((s) => s.trim()) : undefined;
      const unknown = statuses?.filter((s) => !KNOWN_STATUSES.has(s));
      if (unknown?.length)
        return c.json(
          {
            error: `Unknown status ${unknown.join(', ')}: use ${[...KNOWN_STATUSES].join(', ')}`,
          },
          400,
        );
      if (agent.admin !== 1 && query.agent !== undefined && query.agent !== agent.name)
        return c.json({ error: 'Agents export their own calls only (agent= is for admins)' }, 403);
      const rows = deps.store.exportCalls({
        agent: agent.admin === 1 ? (query.agent ?? null) : agent.name,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(statuses ? { statuses } : {}),
      });
      const day = new Date().toISOString().slice(0, 10);
      return c.body(callsCsvStream(rows), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="calls-${day}.csv"`,
        'Cache-Control': 'no-store',
      });
    },
  );
}

export function callsRoutes(deps: AppDeps) {
  const reportsPerAgent = new RateLimiter(CALL_REPORTS_PER_MINUTE, 60_000);
  return exportRoutes(deps)
    .get(
      '/',
      requireAgent(deps),
      validator('query', (value, c) => {
        const parsed = querySchema.safeParse(value);
        if (!parsed.success)
          return c.json({ error: 'limit must be 1–200; cursor must come from nextCursor' }, 400);
        return parsed.data;
      }),
      async (c) => {
        const query = c.req.valid('query');
        const agent = c.get('agent');
        const all = query.all === '1' || query.all === 'true';
        if (all && agent.admin !== 1)
          return c.json({ error: 'all=1 is for admin agents only' }, 403);
        let cursor: { createdAt: number; uuid: string } | undefined;
        if (query.cursor) {
          const decoded = decodeCursor(query.cursor);
          if (!decoded)
            return c.json(
              { error: 'Invalid cursor: use the nextCursor of the previous page' },
              400,
            );
          cursor = decoded;
        }
        const page = await deps.store.listCalls({
          agent: all ? null : agent.name,
          limit: query.limit,
          cursor,
        });
        return c.json(page, 200);
      },
    )
    .put(
      '/:id/wrapup',
      requireAgent(deps),
      validator('param', (value, c) => {
        const id = typeof value.id === 'string' ? value.id : '';
        if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) return c.json({ error: 'Invalid call id' }, 400);
        return { id };
      }),
      validator('json', (value, c) => {
        const parsed = wrapupSchema.safeParse(value);
        if (!parsed.success)
          return c.json(
            {
              error: `Wrap-up: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
            },
            400,
          );
        return parsed.data;
      }),
      async (c) => {
        const result = await saveWrapup(
          deps.store,
          c.get('agent').name,
          c.req.valid('param').id,
          c.req.valid('json'),
        );
        if (!result.ok) return c.json({ error: result.error }, result.status);
        return c.json(toCallView(result.call), 200);
      },
    )
    .post(
      '/clevertap',
      requireAgent(deps),
      validator('json', (value, c) => {
        const parsed = callReportSchema.safeParse(value);
        if (!parsed.success)
          return c.json(
            {
              error: `Call report: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
            },
            400,
          );
        return parsed.data;
      }),
      async (c) => {
        const agent = c.get('agent');
        const wait = reportsPerAgent.hit(String(agent.id));
        if (wait > 0) {
          c.header('Retry-After', String(wait));
          return c.json({ error: `Too many call reports: wait ${wait} s` }, 429);
        }
        const result = await saveCallReport(deps.store, agent.name, c.req.valid('json'));
        if (!result.ok) return c.json({ error: result.error }, result.status);
        return c.json(toCallView(result.call), 200);
      },
    );
}
