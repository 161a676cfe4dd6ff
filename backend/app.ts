// The Hono app: security middleware, then one sub-app per resource.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { sql } from 'kysely';
import { EXTENSION_ID } from '../src/extensionKey';
import { DIRECTORY_IMPORT_PATH } from './admin/directoryRoutes';
import { adminPageRoutes } from './admin/page';
import { adminRoutes } from './admin/routes';
import type { AppDeps, AppEnv } from './context';
import { callsRoutes } from './routes/calls';
import { demoRoutes } from './routes/demo';
import { dispositionsRoutes } from './routes/dispositions';
import { directoryRoutes } from './routes/directory';
import { eventsRoutes } from './routes/events';
import { presenceRoutes } from './routes/presence';
import { sessionRoutes } from './routes/session';
import { softphoneRoutes } from './routes/softphone';
import { tokenRoutes } from './routes/token';
import { webhookRoutes } from './routes/webhooks';

export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

export function allowedOrigins(deps: Pick<AppDeps, 'config'>): Set<string> {
  const origins = new Set([EXTENSION_ORIGIN, ...deps.config.allowedOrigins]);
  if (deps.config.publicUrl) origins.add(new URL(deps.config.publicUrl).origin);
  return origins;
}

/**
 * Firefox gives every install its own random `moz-extension://<uuid>` origin, so no list can name
 * them. Any of them is let through: a web page cannot send that origin (the browser sets it), a
 * non-browser client can send any origin anyway, and every socket and request must still present a
 * session token (docs/security.md, "Origins").
 */
const FIREFOX_EXTENSION_ORIGIN =
  /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a browser request or WebSocket from `origin` is let through (CORS and `/signal`). */
export function isAllowedOrigin(origins: ReadonlySet<string>, origin: string): boolean {
  return origins.has(origin) || FIREFOX_EXTENSION_ORIGIN.test(origin);
}

/** Pages the backend serves (softphone, demo CRM): same-origin scripts, styles, WebSocket, microphone. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** How long `/readyz` waits for the database before reporting it unavailable. */
export const READY_DB_TIMEOUT_MS = 2000;

export function createApp(deps: AppDeps) {
  const origins = allowedOrigins(deps);
  const app = new Hono<AppEnv>();

  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    const start = performance.now();
    await next();
    deps.log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path, // never the query: it may hold a token
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  });
  app.use(
    secureHeaders({
      strictTransportSecurity: deps.config.publicUrl?.startsWith('https:')
        ? 'max-age=15552000'
        : false,
      crossOriginResourcePolicy: 'same-site',
      crossOriginEmbedderPolicy: false,
      permissionsPolicy: {
        camera: [],
        geolocation: [],
        payment: [],
        usb: [],
        microphone: ['self'],
      },
    }),
  );
  app.use(async (c, next) => {
    await next();
    const page = c.req.path.startsWith('/softphone') || c.req.path.startsWith('/demo');
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.res.headers.set('Content-Security-Policy', page ? PAGE_CSP : API_CSP);
    }
  });
  app.use(
    '/api/*',
    cors({
      origin: (origin) => (isAllowedOrigin(origins, origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    }),
  );
  const tooLarge = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ error: 'Request body too large (64 KB max)' }, 413),
  });
  // The console's directory import sets its own, larger limit (a CSV of many thousand people).
  app.use('/api/*', (c, next) =>
    c.req.path === DIRECTORY_IMPORT_PATH ? next() : tooLarge(c, next),
  );
  // Webhooks read their raw body themselves, with the same limit (see rawBody.ts).

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ error: error.message || 'Request refused' }, error.status);
    }
    deps.log.error('unhandled error', { error, requestId: c.get('requestId'), path: c.req.path });
    return c.json({ error: 'Internal error', requestId: c.get('requestId') }, 500);
  });
  app.notFound((c) => c.json({ error: 'Not found' }, 404));

  const routes = app
    // Liveness: the process answers. Readiness: it should get traffic (not draining, database up).
    .get('/healthz', (c) => c.json({ ok: true }, 200))
    .get('/readyz', async (c) => {
      if (deps.draining?.aborted || deps.shutdown?.aborted)
        return c.json({ ok: false, reason: 'shutting down' }, 503);
      let timer: NodeJS.Timeout | undefined;
      try {
        // A database that does not answer (a dropped network path) counts as unavailable too.
        await Promise.race([
          sql`select 1`.execute(deps.store.db),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), READY_DB_TIMEOUT_MS);
          }),
        ]);
        return c.json({ ok: true }, 200);
      } catch {
        return c.json({ ok: false, reason: 'database unavailable' }, 503);
      } finally {
        clearTimeout(timer);
      }
    })
    .route('/api/session', sessionRoutes(deps))
    .route('/api/token', tokenRoutes(deps))
    .route('/api/calls', callsRoutes(deps))
    .route('/api/dispositions', dispositionsRoutes(deps))
    .route('/api/events', eventsRoutes(deps))
    .route('/api/admin', adminRoutes(deps))
    .route('/admin', adminPageRoutes)
    .route('/api/presence', presenceRoutes(deps))
    .route('/api/directory', directoryRoutes(deps))
    .route('/webhooks', webhookRoutes(deps))
    .route('/softphone', softphoneRoutes);
  if (deps.config.demo) app.route('/demo', demoRoutes);
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
