// Everything under /api/admin: sign-in (open), then the console's resources, each behind
// requireAdmin (console cookie session of an enabled admin; CSRF-checked changes).
import { Hono, type MiddlewareHandler } from 'hono';
import { exportRoutes } from '../routes/calls';
import type { AppDeps, AppEnv } from '../context';
import { policyFromEnv, type EndpointPolicy } from '../outbox/endpoints';
import { agentsRoutes } from './agentsRoutes';
import { auditRoutes } from './auditRoutes';
import { directoryAdminRoutes } from './directoryRoutes';
import { dispositionsAdminRoutes } from './dispositionsRoutes';
import { historyRoutes } from './history';
import { liveRoutes } from './live';
import { reportsRoutes } from './reports';
import { adminSessionRoutes, requireAdmin, type AdminEnv } from './session';
import { settingsRoutes, webhooksRoutes } from './settingsRoutes';

export function adminRoutes(deps: AppDeps, opts: { webhookPolicy?: EndpointPolicy } = {}) {
  /** A sub-app behind the admin guard (any Hono app on AppEnv or AdminEnv). */
  const behindAdmin = <E extends AppEnv | AdminEnv>(sub: Hono<E>) =>
    new Hono<AdminEnv>().use(requireAdmin(deps)).route('/', sub as unknown as Hono<AdminEnv>);
  const policy = opts.webhookPolicy ?? policyFromEnv(process.env);
  return (
    new Hono<AdminEnv>()
      .route('/session', adminSessionRoutes(deps))
      .route('/live', liveRoutes(deps))
      .route('/agents', behindAdmin(agentsRoutes(deps)))
      .route('/settings', behindAdmin(settingsRoutes(deps)))
      .route('/webhooks', behindAdmin(webhooksRoutes(deps, policy)))
      .route('/audit', behindAdmin(auditRoutes(deps)))
      .route('/dispositions', behindAdmin(dispositionsAdminRoutes(deps)))
      .route('/directory', behindAdmin(directoryAdminRoutes(deps)))
      .route('/history', behindAdmin(historyRoutes(deps)))
      .route('/reports', behindAdmin(reportsRoutes(deps)))
      // The agents' CSV export (GET /api/calls/export) behind the console session: everyone's calls.
      .route(
        '/calls',
        exportRoutes(deps, requireAdmin(deps) as unknown as MiddlewareHandler<AppEnv>),
      )
      .all('*', requireAdmin(deps), (c) => c.json({ error: 'Not found' }, 404))
  );
}
