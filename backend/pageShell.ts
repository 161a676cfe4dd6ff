// The pages the backend serves (the softphone, the admin console): one HTML shell that loads the
// page's Preact app, and the two routes that answer it and the app's script (./pageBundle.ts).
import { Hono } from 'hono';

export interface PageShell {
  title: string;
  /** An inline icon (a data: URL): the browser asks for no /favicon.ico (and so gets no 404). */
  icon: string;
  /** Where the routes are mounted; the script is `<base>/app.js`. */
  base: string;
  /** More of `<head>`: meta tags, an inline style. */
  head?: string;
}

export function pageHtml({ title, icon, base, head }: PageShell): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="click-to-call" content="off" />
<title>${title}</title>
<link rel="icon" href="${icon}" />
${head ? `${head}\n` : ''}</head>
<body><div id="app"></div><script type="module" src="${base}/app.js"></script></body>
</html>`;
}

export interface PageOptions {
  /** A Content-Security-Policy of its own on both answers (else the app's page policy applies). */
  csp?: string;
  /** The page must not be cached (it belongs to a signed-in session). */
  noStore?: boolean;
}

/** `GET /` the shell, `GET /app.js` the page's script. */
export function pageRoutes(
  shell: PageShell,
  bundle: () => Promise<string>,
  { csp, noStore }: PageOptions = {},
) {
  const html = pageHtml(shell);
  return new Hono()
    .use(async (c, next) => {
      await next();
      if (csp) c.res.headers.set('Content-Security-Policy', csp);
    })
    .get('/', (c) => {
      if (noStore) c.header('Cache-Control', 'no-store');
      return c.html(html);
    })
    .get('/app.js', async (c) => {
      c.header('content-type', 'text/javascript; charset=utf-8');
      c.header('cache-control', 'no-cache');
      return c.body(await bundle());
    });
}
