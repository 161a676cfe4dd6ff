// Serves the admin console page at /admin: a shell and its Preact app (src/admin/), prebuilt by
// `npm run build:backend` into .output/admin/app.js, else bundled from source on first request.
import { pageBundle } from '../pageBundle';
import { pageRoutes } from '../pageShell';

// From the source (backend/admin/) the prebuilt file is absent (backend/admin/app.js); from the
// bundle (.output/backend/) it is .output/admin/app.js.
const adminBundle = pageBundle(
  new URL('../admin/app.js', import.meta.url),
  new URL('../../src/admin/main.tsx', import.meta.url),
);

/** Only our own script, styles inline (the shared CSS), connections back to this origin. */
const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E" +
  "%3Crect width='16' height='16' rx='3' fill='%2315803d'/%3E%3C/svg%3E";

export const adminPageRoutes = pageRoutes(
  {
    title: 'Click-to-Call admin',
    icon: ICON,
    base: '/admin',
    head: '<meta name="referrer" content="no-referrer" />',
  },
  adminBundle,
  { csp: ADMIN_CSP, noStore: true },
);
