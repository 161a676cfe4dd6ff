// The company directory for signed-in agents: one number per request (caller ID), never a list.
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import type { DirectoryLookup } from '../../src/contract/directory';
import { E164 } from '../../src/contract/ids';
import { requireAgent } from '../auth';
import type { AppDeps, AppEnv } from '../context';
import { lookupDirectory } from '../directory/store';
import { RateLimiter } from '../rateLimit';

const lookupSchema = z.object({ number: z.string().regex(E164) }).strict();

/** Enough for caller ID and the dial pad's lookups; far too few to walk the number space. */
export const LOOKUPS_PER_MINUTE = 60;

export function directoryRoutes(deps: AppDeps) {
  const perAgent = new RateLimiter(LOOKUPS_PER_MINUTE, 60_000);
  return new Hono<AppEnv>().get(
    '/lookup',
    requireAgent(deps),
    validator('query', (value, c) => {
      const parsed = lookupSchema.safeParse(value);
      if (!parsed.success)
        return c.json({ error: 'Give one number in E.164 form: ?number=+14155552671' }, 400);
      return parsed.data;
    }),
    async (c) => {
      const wait = perAgent.hit(String(c.get('agent').id));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json({ error: `Too many directory lookups: wait ${wait} s` }, 429);
      }
      const contact = await lookupDirectory(deps.store.db, c.req.valid('query').number);
      c.header('Cache-Control', 'no-store');
      return c.json({ contact: contact ?? null } satisfies DirectoryLookup, 200);
    },
  );
}
