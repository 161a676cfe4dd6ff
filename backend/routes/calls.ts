// Call history: the signed-in agent's calls, newest first; admins may page through everyone's.
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { requireAgent } from '../auth';
import type { AppDeps, AppEnv } from '../context';
import { decodeCursor } from '../db/store';

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
  all: z.enum(['0', '1', 'true', 'false']).optional(),
});

export function callsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(
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
      if (all && agent.admin !== 1) return c.json({ error: 'all=1 is for admin agents only' }, 403);
      let cursor: { createdAt: number; uuid: string } | undefined;
      if (query.cursor) {
        const decoded = decodeCursor(query.cursor);
        if (!decoded)
          return c.json({ error: 'Invalid cursor: use the nextCursor of the previous page' }, 400);
        cursor = decoded;
      }
      const page = await deps.store.listCalls({
        agent: all ? null : agent.name,
        limit: query.limit,
        cursor,
      });
      return c.json(page, 200);
    },
  );
}
