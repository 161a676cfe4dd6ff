// /api/admin/audit: the log, newest first and filtered, and the same filter as a CSV download.
import { Hono } from 'hono';
import { auditFilterSchema } from '../../src/contract/admin';
import type { AppDeps } from '../context';
import { AdminStore } from './adminStore';
import { auditCsvStream, listAudit } from './audit';
import { parseOr400 } from './http';
import type { AdminEnv } from './session';

export function auditRoutes(deps: AppDeps) {
  const admin = new AdminStore(deps.store.db);
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const filter = parseOr400(c, auditFilterSchema, c.req.query());
      if (!filter.ok) return filter.response;
      return c.json(await listAudit(admin, filter.data), 200);
    })
    .get('/export', (c) => {
      const filter = parseOr400(c, auditFilterSchema, c.req.query());
      if (!filter.ok) return filter.response;
      const day = new Date().toISOString().slice(0, 10);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="audit-${day}.csv"`);
      c.header('Cache-Control', 'no-store');
      return c.body(auditCsvStream(admin, filter.data));
    });
}
