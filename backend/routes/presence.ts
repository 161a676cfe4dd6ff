// The signed-in agent's presence: `GET` reads it, `PUT {"presence": …}` sets it (and is the heartbeat).
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { PRESENCE_CHOICES } from '../../src/contract/presence';
import { presenceUpdateSchema } from '../../src/contract/presenceSchemas';
import { requireAgent } from '../auth';
import type { AppDeps, AppEnv } from '../context';
import { getOwnPresence, setPresence } from '../presence';

export function presenceRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireAgent(deps))
    .get('/', async (c) => c.json(await getOwnPresence(deps.store, c.get('agent')), 200))
    .put(
      '/',
      validator('json', (value, c) => {
        const parsed = presenceUpdateSchema.safeParse(value);
        if (!parsed.success)
          return c.json(
            { error: `Send JSON {"presence": …} with one of ${PRESENCE_CHOICES.join(', ')}` },
            400,
          );
        return parsed.data;
      }),
      async (c) => {
        const { presence } = c.req.valid('json');
        return c.json(await setPresence(deps.store, c.get('agent'), presence), 200);
      },
    );
}
