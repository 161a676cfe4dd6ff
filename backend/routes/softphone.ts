// Serves the softphone page: a browser line for the built-in provider (the demo's "customer phone").
// Its Preact app is prebuilt by `npm run build:backend` (.output/softphone/app.js, beside the backend
// bundle); run from source, it is bundled once, in memory, from backend/softphone/ on first request.
import { pageBundle } from '../pageBundle';
import { pageRoutes } from '../pageShell';

// From the source (backend/routes/) these are backend/softphone/…; from the bundle (.output/backend/)
// .output/softphone/….
/** The page script: the prebuilt file when there is one, else built from source with esbuild. */
export const softphoneBundle = pageBundle(
  new URL('../softphone/app.js', import.meta.url),
  new URL('../softphone/main.tsx', import.meta.url),
);

/** A green disc, inline: the page needs no favicon request (and so no 404). */
export const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E" +
  "%3Ccircle cx='8' cy='8' r='8' fill='%2316a34a'/%3E%3C/svg%3E";

export const softphoneRoutes = pageRoutes(
  {
    title: 'Customer phone · Click-to-Call demo',
    icon: ICON,
    base: '/softphone',
    head: `<style>
  :root { color-scheme: light dark; font: 15px/1.45 system-ui, sans-serif; }
  main { max-width: 460px; margin: 32px auto; padding: 0 16px; display: grid; gap: 12px; }
  form, label { display: grid; gap: 6px; }
  input, button { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid #9ca3af; }
  button { cursor: pointer; } .row { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; }
  .answer { background: #16a34a; color: #fff; border-color: #16a34a; }
  .hangup { background: #dc2626; color: #fff; border-color: #dc2626; }
  .muted { color: #6b7280; }
  h1 { font-size: 1.5rem; margin: 0; } h1 span { white-space: nowrap; }
</style>`,
  },
  softphoneBundle,
);
