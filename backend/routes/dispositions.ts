// `GET /api/dispositions`: the outcomes a signed-in agent chooses from after a call, and whether one
// is required (the admin sets both with `admin disposition …`).
import { Hono } from 'hono';
import { requireAgent } from '../auth';
import { listDispositions } from '../calls/dispositions';
import type { AppDeps, AppEnv } from '../context';

export function dispositionsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireAgent(deps), async (c) =>
    c.json(await listDispositions(deps.store), 200),
  );
}
