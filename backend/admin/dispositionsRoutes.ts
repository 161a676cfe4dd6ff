// /api/admin/dispositions: the outcome list agents choose from after a call and whether choosing one
// is required. Edits carry the ETag they were made on (If-Match): two admins never overwrite each
// other silently. Every change is in the audit log.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Dispositions } from '../../src/contract/call';
import { listDispositions } from '../calls/dispositions';
import type { AppDeps } from '../context';
import { parseOr400, refusal } from './http';
import { adminContext, saveDispositions } from './operations';
import type { AdminEnv } from './session';

const bodySchema = z.object({
  items: z.array(z.string()).max(100),
  requireOutcome: z.boolean(),
});

/** The list's own version: a hash of what it says (no column to keep in step). */
export function dispositionsTag(list: Dispositions): string {
  return `"d-${createHash('sha256').update(JSON.stringify(list)).digest('base64url').slice(0, 16)}"`;
}

export function dispositionsAdminRoutes(deps: AppDeps) {
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const list = await listDispositions(deps.store);
      c.header('ETag', dispositionsTag(list));
      return c.json(list, 200);
    })
    .put('/', async (c) => {
      const ifMatch = c.req.header('if-match');
      if (!ifMatch)
        return c.json(
          { error: 'Send If-Match with the ETag of GET /api/admin/dispositions you edited' },
          428,
        );
      const body = parseOr400(c, bodySchema, await c.req.json().catch(() => null));
      if (!body.ok) return body.response;
      if (ifMatch !== dispositionsTag(await listDispositions(deps.store)))
        return c.json(
          {
            error: 'Another admin changed the outcome list meanwhile: reload it and try again',
            code: 'adminErrConflict',
          },
          412,
        );
      try {
        const saved = await saveDispositions(adminContext(deps.store, c.get('actor')), body.data);
        c.header('ETag', dispositionsTag(saved));
        return c.json(saved, 200);
      } catch (error) {
        return refusal(c, error);
      }
    });
}
