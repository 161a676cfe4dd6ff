// Settings → outgoing webhooks → "Send test": one signed test event to the endpoint now, its answer
// shown (and audited); refused without an admin console session.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../src/contract/admin';
import { SIGNATURE_HEADER } from '../outbox/sign';
import { adminRequest, signedInAdmin, type ConsoleSession } from '../testing/adminConsole';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { adminRoutes } from './routes';

forEachEngine((engine) => {
  describe('webhook "send test"', () => {
    let t: TestApp;
    let local: TestApp;
    let admin: ConsoleSession;
    let server: Server;
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];

    beforeAll(async () => {
      t = await makeTestApp(engine);
      // The same backend, with loopback endpoints allowed (WEBHOOKS_ALLOW_LOOPBACK=1) for the test.
      local = {
        ...t,
        app: new Hono().route(
          '/api/admin',
          adminRoutes(t.deps, { webhookPolicy: { allowLoopback: true } }),
        ) as unknown as TestApp['app'],
      };
      admin = await signedInAdmin(t, 'hooks-admin');
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(202).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    });

    it('sends one signed test event and shows the answer, then the failure when it is down', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const added = await adminRequest(local, '/api/admin/webhooks', {
        method: 'POST',
        body: { url },
        session: admin,
      });
      expect(added.status).toBe(201);
      const { id } = (await added.json()) as { id: number };

      const path = `/api/admin/webhooks/${id}/test`;
      expect((await adminRequest(local, path, { method: 'POST' })).status).toBe(401);
      expect(received).toHaveLength(0);

      const sent = await adminRequest(local, path, { method: 'POST', session: admin });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toMatchObject({ ok: true, status: 202 });
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'webhook.test', data: {} });
      expect(received[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toMatch(/\S/);

      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      const failed = await adminRequest(local, path, { method: 'POST', session: admin });
      expect(failed.status).toBe(200);
      const answer = (await failed.json()) as { ok: boolean; error?: string };
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/\S/);

      const audit = await adminRequest(t, '/api/admin/audit?action=webhook.test', {
        session: admin,
      });
      const page = (await audit.json()) as AuditPage;
      expect(page.items.map((e) => [e.action, e.target, (e.detail as { ok: boolean }).ok])).toEqual(
        [
          ['webhook.test', String(id), false],
          ['webhook.test', String(id), true],
        ],
      );
    });
  });
});
