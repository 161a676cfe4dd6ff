// The admin console's History: everyone's calls, searched and filtered, in keyset pages, and one
// call's detail. Mounted behind the admin check: every request here is an authenticated admin's.
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../context';
import { callDetail, decodeHistoryCursor, historyPage, type HistoryCursor } from './historyQueries';
import { DATE_ERROR, parseDate, parseStatuses } from './params';

const listSchema = z.object({
  q: z.string().trim().max(100).optional(),
  agent: z.string().max(64).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  status: z.string().max(400).optional(),
  outcome: z.string().max(100).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(400).optional(),
  before: z.string().max(400).optional(),
});

const LIST_ERROR =
  'History filters: q (≤ 100 characters), agent, direction (inbound|outbound), status, outcome, ' +
  'from, to, limit (1–200), after or before (a cursor from the previous page)';

export function historyRoutes(deps: Pick<AppDeps, 'store'>) {
  return new Hono<AppEnv>()
    .get(
      '/',
      validator('query', (value, c) => {
        const parsed = listSchema.safeParse(value);
        if (!parsed.success) return c.json({ error: LIST_ERROR }, 400);
        return parsed.data;
      }),
      async (c) => {
        const query = c.req.valid('query');
        const from = query.from ? parseDate(query.from, false) : undefined;
        const to = query.to ? parseDate(query.to, true) : undefined;
        if (from === null || to === null) return c.json({ error: DATE_ERROR }, 400);
        if (from !== undefined && to !== undefined && from >= to)
          return c.json({ error: 'from must be before to' }, 400);
        const { statuses, error } = parseStatuses(query.status);
        if (error) return c.json({ error }, 400);
        if (query.after && query.before)
          return c.json({ error: 'Give after or before, not both' }, 400);
        let after: HistoryCursor | undefined;
        let before: HistoryCursor | undefined;
        if (query.after || query.before) {
          const cursor = decodeHistoryCursor((query.after ?? query.before)!);
          if (!cursor)
            return c.json({ error: 'Invalid cursor: use nextCursor or prevCursor of a page' }, 400);
          if (query.after) after = cursor;
          else before = cursor;
        }
        const page = await historyPage(
          deps.store.db,
          deps.store.handle.dialect,
          {
            ...(query.q ? { q: query.q } : {}),
            ...(query.agent !== undefined ? { agent: query.agent } : {}),
            ...(query.direction ? { direction: query.direction } : {}),
            ...(statuses ? { statuses } : {}),
            ...(query.outcome !== undefined ? { outcome: query.outcome } : {}),
            ...(from !== undefined ? { from } : {}),
            ...(to !== undefined ? { to } : {}),
          },
          { limit: query.limit, ...(after ? { after } : {}), ...(before ? { before } : {}) },
        );
        c.header('Cache-Control', 'no-store');
        return c.json(page, 200);
      },
    )
    .get('/:uuid', async (c) => {
      const uuid = c.req.param('uuid');
      if (uuid.length > 200) return c.json({ error: 'Call not found' }, 404);
      const detail = await callDetail(deps.store.db, uuid);
      if (!detail) return c.json({ error: `Call ${uuid} not found` }, 404);
      c.header('Cache-Control', 'no-store');
      return c.json(detail, 200);
    });
}
