// The baseline for backend benchmarks: a bare Hono app on @hono/node-server, no middleware, no storage.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const ncco = [{ action: 'talk', text: 'hello' }];
const app = new Hono()
  .get('/healthz', (c) => c.json({ ok: true }))
  .get('/webhooks/answer', (c) => c.json(ncco))
  .post('/webhooks/event', async (c) => {
    await c.req.text();
    return c.json({ ok: true });
  });

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
