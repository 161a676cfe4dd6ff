// What a CRM page's own frames cost (`npm run bench detectFrames`), built test extension, headless
// Chromium: the same 2,000 contacts (4,000 numbers) as one list in the page, and as 10 frames of the
// page's origin with 200 rows each (Dynamics web resources, a console's record tabs). Each frame
// runs its own content script (src/content/frames.ts): its start-up, settings and number types are
// paid once per frame. Each page is compared with its opted-out twin (the page's
// `<meta name="click-to-call" content="off">`, which opts its frames out too).
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { crmListPage, crmRow, NUMBERS_PER_ROW } from '../fixtures/crmList';
import { launch } from './detect.bench';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const FRAMES = 10;
const ROWS_PER_FRAME = 200;
const NUMBERS = FRAMES * ROWS_PER_FRAME * NUMBERS_PER_ROW;
const OPT_OUT = '<meta name="click-to-call" content="off">';

function framesPage(head: string): string {
  const frames = Array.from(
    { length: FRAMES },
    (_, k) => `<iframe src="/frame/${k}" style="display:block;width:1200px;height:300px"></iframe>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>Account</title>${head}</head>
<body><h1>Acme Corp</h1>${frames.join('\n')}</body></html>`;
}

function framePage(k: number): string {
  const rows = Array.from({ length: ROWS_PER_FRAME }, (_, i) => crmRow(k * ROWS_PER_FRAME + i));
  return crmListPage(0).replace('<tbody id="rows">\n', `<tbody id="rows">\n${rows.join('\n')}`);
}

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [, kind, arg] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    const head = arg === 'bare' ? OPT_OUT : '';
    const html =
      kind === 'one'
        ? crmListPage(FRAMES * ROWS_PER_FRAME, head)
        : kind === 'frames'
          ? framesPage(head)
          : kind === 'frame'
            ? framePage(Number(arg))
            : null;
    res.writeHead(html === null ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? '');
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** Our buttons in the page and in its frames (of its origin, so readable from the top). */
const COUNT = `(() => {
  let n = document.querySelectorAll('c2c-call').length;
  for (const f of document.querySelectorAll('iframe')) n += f.contentDocument?.querySelectorAll('c2c-call').length ?? 0;
  return n;
})()`;

interface Figures {
  /** ms after navigation until every number has its button (decorated) or the load event (bare). */
  done: number;
  /** Main-thread task time of the load (the renderer's, frames included), ms. */
  task: number;
  /** JS heap after GC, bytes (the page's isolate: its frames and our content scripts included). */
  heap: number;
}

async function loadOnce(
  context: BrowserContext,
  url: string,
  decorated: boolean,
): Promise<Figures> {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskOf = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')
        ?.value ?? 0;
    const before = await taskOf();
    const started = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    if (decorated)
      await page.waitForFunction(`${COUNT} >= ${NUMBERS}`, undefined, {
        timeout: 60_000,
        polling: 20,
      });
    const done = Date.now() - started;
    await page.waitForTimeout(1000); // idle work (the learned directory) lands in the figure
    const task = ((await taskOf()) - before) * 1000;
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { done, task, heap: usedSize };
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (xs: number[]) =>
  `${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

export default async function run(): Promise<void> {
  const { server, url } = await serve();
  const profile = await mkdtemp(join(tmpdir(), 'c2c-bench-frames-'));
  const context = await launch(profile);
  try {
    await new Promise((r) => setTimeout(r, 2000)); // the onboarding tab opens on install
    const runs: Record<string, Figures[]> = {};
    for (let i = 0; i < RUNS; i++)
      for (const kind of ['one', 'frames'])
        for (const variant of ['decorated', 'bare'])
          (runs[`${kind}/${variant}`] ??= []).push(
            await loadOnce(context, `${url}/${kind}/${variant}`, variant === 'decorated'),
          );
    const of = (key: string, pick: (f: Figures) => number) => runs[key]!.map(pick);
    const added = (kind: string, pick: (f: Figures) => number) =>
      of(`${kind}/decorated`, pick).map((v, i) => v - of(`${kind}/bare`, pick)[i]!);
    console.log(
      `${FRAMES * ROWS_PER_FRAME} rows, ${NUMBERS} numbers: one list in the page, or ${FRAMES} frames of the page's origin with ${ROWS_PER_FRAME} rows each; ${RUNS} loads each, wall-clock on a shared machine: compare the ratios`,
    );
    const oneDone = of('one/decorated', (f) => f.done);
    const framesDone = of('frames/decorated', (f) => f.done);
    console.log(
      `every button, after navigation: one list ${ms(oneDone)}, frames ${ms(framesDone)}: ratio ${(median(framesDone) / median(oneDone)).toFixed(2)}×`,
    );
    const oneTask = added('one', (f) => f.task);
    const framesTask = added('frames', (f) => f.task);
    console.log(
      `main-thread task time added over the opted-out twin: one list ${ms(oneTask)}, frames ${ms(framesTask)}: ratio ${(median(framesTask) / median(oneTask)).toFixed(2)}×, about ${((median(framesTask) - median(oneTask)) / FRAMES).toFixed(0)} ms more a frame`,
    );
    const mb = (xs: number[]) => `+${(median(xs) / 1e6).toFixed(1)} MB`;
    const oneHeap = added('one', (f) => f.heap);
    const framesHeap = added('frames', (f) => f.heap);
    console.log(
      `JS heap added (after GC): one list ${mb(oneHeap)}, frames ${mb(framesHeap)}: about ${((median(framesHeap) - median(oneHeap)) / FRAMES / 1e6).toFixed(2)} MB more a frame`,
    );
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    server.close();
  }
}
