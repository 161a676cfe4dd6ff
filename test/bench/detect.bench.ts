// Benchmark of the page decorator in headless Chromium (`npm run bench detect`): a 2000-row CRM
// list, against a bare TreeWalker pass over the same page in the same run.
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

const ROWS = 2000;
/** `BENCH_PROFILE=1 npm run bench detect`: also prints where our time goes (CPU profile, self time). */
const PROFILE = !!process.env.BENCH_PROFILE;
const RUNS = Number(process.env.BENCH_RUNS) || 5;
/** `BENCH_TRACE=1`: also prints the browser's own main-thread work (layout, style, IO) on one load. */
const TRACE = !!process.env.BENCH_TRACE;
const CONTENT_SCRIPT = resolve('.output/chrome-mv3-test/content-scripts/crm.js');

/** For scale: libphonenumber-js's own text search over every text node (what a naive detector does). */
async function bundleNaive(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import { findPhoneNumbersInText } from 'libphonenumber-js/min';
        window.__naive = () => {
          const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let found = 0;
          for (let node = w.nextNode(); node; node = w.nextNode())
            found += findPhoneNumbersInText(node.data, 'US').length;
          return found;
        };`,
      resolveDir: resolve('.'),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** The decorator, bundled on its own (not the extension build) with hooks for timing. */
async function bundleDecorator(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import { startDecorating } from ${JSON.stringify(resolve('src/content/decorate/index.ts'))};
        import { probes } from ${JSON.stringify(resolve('src/content/decorate/probes.ts'))};
        import { SETTINGS_DEFAULTS as DEFAULTS } from ${JSON.stringify(resolve('src/contract/settings.ts'))};
        window.__c2cStart = (hooks) => {
          probes.task = hooks.onTask;
          probes.settled = hooks.onSettled;
          startDecorating({
            settings: { ...DEFAULTS, defaultCountry: 'US' },
            signal: new AbortController().signal,
            onCall: () => {},
          });
        };`,
      resolveDir: resolve('.'),
      loader: 'ts',
    },
    bundle: true,
    minify: !PROFILE,
    keepNames: PROFILE,
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const FIRST = ['Jane', 'John', 'Maria', 'Wei', 'Aiko', 'Carlos', 'Priya', 'Liam', 'Olivia', 'Noah'];
const LAST = [
  'Doe',
  'Smith',
  'Garcia',
  'Chen',
  'Tanaka',
  'Lopez',
  'Patel',
  'Brown',
  'Martin',
  'Rossi',
];
const AREAS = ['415', '212', '646', '312', '617', '206', '512', '303', '404', '305'];

/** One row: ~19 text nodes (cells and the whitespace between them), 2 numbers, 5 decoys. */
function row(i: number): string {
  const name = `${FIRST[i % 10]} ${LAST[(i * 7) % 10]}`;
  const a = AREAS[i % 10]!;
  const x = 200 + (i % 700);
  const l = String(1000 + ((i * 37) % 9000));
  const m = String(1000 + ((i * 53) % 9000));
  const phone =
    i % 2 ? `<a href="tel:+1${a}${x}${l}">(${a}) ${x}-${l}</a>` : `<span>+1 ${a} ${x} ${l}</span>`;
  return `<tr>
 <td><input type="checkbox" aria-label="Select"></td>
 <th scope="row"><a href="/contacts/${i}">${name}</a></th>
 <td>${phone}</td>
 <td>${a}.${x + 1}.${m}</td>
 <td>${name.toLowerCase().replace(' ', '.')}@example.com</td>
 <td>${(i % 12) + 1}/${(i % 28) + 1}/2024</td>
 <td>$${(i * 13) % 999},${String((i * 7) % 1000).padStart(3, '0')}.00</td>
 <td>Order #${a}${x}${l}</td>
 <td>${94000 + (i % 999)}-${1000 + (i % 8999)}</td>
 <td>${i % 100}%</td>
</tr>`;
}

/**
 * Second baseline, the browser's own share: at DOMContentLoaded, lay the page out as it is
 * ('layout'), or first insert one empty 18 px inline-block span where each button goes ('spans':
 * what any decorator pays in layout for 4,000 inserted elements, with no detection at all).
 */
const LAYOUT_BASELINE = `document.addEventListener('DOMContentLoaded', () => {
  const t0 = performance.now();
  let inserted = 0;
  if (location.pathname !== '/layout') {
    const css =
      location.pathname === '/spans'
        ? 'display:inline-block;width:18px;height:18px;margin-left:.3em;vertical-align:middle'
        : 'display:inline-block;width:0;height:0;contain:strict';
    for (const tr of document.getElementById('rows').rows) {
      for (const cell of [tr.cells[2], tr.cells[3]]) {
        const s = document.createElement('span');
        s.style.cssText = css;
        cell.firstChild.after(s);
        inserted++;
      }
    }
  }
  const insert = performance.now() - t0;
  document.body.offsetHeight;
  window.__bench = { ms: performance.now() - t0, insert, inserted };
});`;

function listPage(
  rows: number,
  script: string,
  mode: 'walk' | 'decorate' | 'naive' | 'layout',
): string {
  const body = Array.from({ length: rows }, (_, i) => row(i)).join('\n');
  const boot =
    mode === 'layout'
      ? LAYOUT_BASELINE
      : mode === 'naive'
        ? `${script}
        document.addEventListener('DOMContentLoaded', () => {
          const t0 = performance.now();
          const found = window.__naive();
          window.__bench = { naive: performance.now() - t0, found };
        });`
        : mode === 'walk'
          ? `document.addEventListener('DOMContentLoaded', () => {
          const t0 = performance.now();
          const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let n = 0, chars = 0;
          for (let node = w.nextNode(); node; node = w.nextNode()) { n++; chars += node.data.length; }
          window.__bench = { walk: performance.now() - t0, textNodes: n, chars };
        });`
          : `${script}
        window.__bench = { tasks: [], settled: 0, first: 0, dcl: 0 };
        document.addEventListener('DOMContentLoaded', () => {
          const b = window.__bench;
          b.dcl = performance.now();
          window.__c2cStart({
            onTask(kind, ms) {
              b.tasks.push([kind, ms, performance.now() - b.dcl]);
              b.lastTaskEnd = performance.now();
              if (!b.first && document.querySelector('c2c-call')) b.first = performance.now() - b.dcl;
            },
            onSettled() { if (!b.settled) b.settled = performance.now() - b.dcl; b.lastSettled = performance.now(); },
          });
        });`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Contacts</title>
<style>body{font:13px system-ui;margin:0}td,th{padding:4px 8px;border-bottom:1px solid #ddd;white-space:nowrap}</style>
<script>${boot}</script></head><body>
<h1>All Contacts</h1>
<table><thead><tr><th></th><th>Name</th><th>Phone</th><th>Mobile</th><th>Email</th><th>Last activity</th><th>Revenue</th><th>Last order</th><th>ZIP</th><th>Score</th></tr></thead>
<tbody id="rows">
${body}
</tbody></table></body></html>`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function serve(pages: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

async function profile(page: Page, url: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __bench: { settled: number } }).__bench.settled > 0,
  );
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  // Inclusive time per function (each function counted once per sample): where whole phases go.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (name && !seen.has(name)) seen.add(name);
    }
    for (const name of seen)
      total.set(name, (total.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log('profile (inclusive ms, named functions):');
  for (const [k, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${ms.toFixed(1)}  ${k}`);
  console.log('profile (self ms):');
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`  ${ms.toFixed(1)}  ${k}`);
  await cdp.detach();
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
}

/** Main-thread time by trace event (top-level and nested), DCL → settled, for one decorated load. */
async function trace(browser: Browser, page: Page, url: string): Promise<void> {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'blink', 'disabled-by-default-devtools.timeline'],
  });
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __bench: { settled: number } }).__bench.settled > 0,
  );
  await page.waitForTimeout(300);
  const buf = await browser.stopTracing();
  const events = (JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'ParseHTML')!;
  const mine = events.filter((e) => e.tid === main.tid && e.pid === main.pid && e.ph === 'X');
  const t0 = Math.min(...mine.map((e) => e.ts));
  const byName = new Map<string, number>();
  for (const e of mine) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  console.log('trace (main thread, ms, inclusive, by event):');
  for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 22))
    console.log(`  ${ms.toFixed(1)}  ${k}`);
  const interesting = new Set([
    'Layout',
    'UpdateLayoutTree',
    'IntersectionObserverController::computeIntersections',
    'FunctionCall',
    'FireAnimationFrame',
    'FireIdleCallback',
    'Paint',
    'PrePaint',
    'ParseHTML',
    'EventDispatch',
    'TimerFire',
    'RunMicrotasks',
  ]);
  const seq = mine
    .filter((e) => interesting.has(e.name) && (e.dur ?? 0) > 2000)
    .sort((a, b) => a.ts - b.ts)
    .map((e) => `${e.name}:${((e.dur ?? 0) / 1000).toFixed(0)}@${((e.ts - t0) / 1000).toFixed(0)}`);
  console.log(`timeline (>2 ms): ${seq.join(' ')}`);
}

export default async function run(): Promise<void> {
  const script = await bundleDecorator();
  const naive = await bundleNaive();
  const { server, url } = await serve({
    '/walk': listPage(ROWS, '', 'walk'),
    '/naive': listPage(ROWS, naive, 'naive'),
    '/decorate': listPage(ROWS, script, 'decorate'),
    '/layout': listPage(ROWS, '', 'layout'),
    '/spans': listPage(ROWS, '', 'layout'),
    '/spans0': listPage(ROWS, '', 'layout'),
  });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    if (process.env.BENCH_VERBOSE) page.on('console', (m) => console.log('page:', m.text()));

    const layouts: number[] = [];
    const spans: number[] = [];
    const zeroSpans: number[] = [];
    let spanCount = 0;
    const walks: number[] = [];
    let textNodes = 0;
    let walkHeap = 0;
    const settled: number[] = [];
    const firsts: number[] = [];
    const longest: number[] = [];
    const ourTotal: number[] = [];
    let buttons = 0;
    let heap = 0;
    let firstVisible = false;
    // Alternate the two pages so both see the same browser state.
    for (let r = 0; r < RUNS; r++) {
      await page.goto(`${url}/walk`);
      await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench);
      const w = (await page.evaluate(
        () => (window as unknown as { __bench: unknown }).__bench,
      )) as {
        walk: number;
        textNodes: number;
      };
      walks.push(w.walk);
      textNodes = w.textNodes;
      if (r === RUNS - 1) walkHeap = await heapUsed(page);

      for (const [path, into] of [
        ['/layout', layouts],
        ['/spans', spans],
        ['/spans0', zeroSpans],
      ] as const) {
        await page.goto(`${url}${path}`);
        await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench);
        const l = (await page.evaluate(
          () => (window as unknown as { __bench: unknown }).__bench,
        )) as { ms: number; inserted: number };
        into.push(l.ms);
        if (l.inserted) spanCount = l.inserted;
      }

      await page.goto(`${url}/decorate`);
      await page.waitForFunction(
        () => (window as unknown as { __bench: { settled: number } }).__bench.settled > 0,
        undefined,
        { timeout: 60_000 },
      );
      const b = (await page.evaluate(
        () => (window as unknown as { __bench: unknown }).__bench,
      )) as {
        tasks: [string, number, number?][];
        settled: number;
        first: number;
      };
      settled.push(b.settled);
      firsts.push(b.first);
      longest.push(Math.max(...b.tasks.map(([, ms]) => ms)));
      if (process.env.BENCH_VERBOSE)
        console.log(
          `tasks (kind:ms@end since DCL): ${b.tasks.map(([k, ms, at]) => `${k}:${ms.toFixed(0)}@${(at ?? 0).toFixed(0)}`).join(' ')}`,
        );
      ourTotal.push(b.tasks.reduce((s, [, ms]) => s + ms, 0));
      buttons = await page.evaluate(() => document.querySelectorAll('c2c-call').length);
      firstVisible = await page.evaluate(() => {
        const first = document.querySelector('c2c-call');
        const rect = first?.getBoundingClientRect();
        return !!rect && rect.top >= 0 && rect.bottom <= innerHeight;
      });
      if (r === RUNS - 1) heap = await heapUsed(page);
    }

    // 100 rows appended to the decorated page, ten times: mutation callback → decorated.
    const appends: number[] = [];
    const appendTasks: number[] = [];
    for (let k = 0; k < 10; k++) {
      const html = Array.from({ length: 100 }, (_, i) => row(ROWS + k * 100 + i)).join('');
      // A string, not a function: tsx would add helpers the page does not have.
      const ms = (await page.evaluate(`new Promise((done) => {
        const b = window.__bench;
        const before = document.querySelectorAll('c2c-call').length;
        const tasksBefore = b.tasks.length;
        let callbackAt = 0;
        // The page's own observer fires in the same microtask checkpoint as ours.
        const mo = new MutationObserver(() => { if (!callbackAt) callbackAt = performance.now(); });
        const rows = document.getElementById('rows');
        mo.observe(rows, { childList: true });
        const tpl = document.createElement('template');
        tpl.innerHTML = ${JSON.stringify(html)};
        rows.append(tpl.content);
        const poll = () => {
          if (document.querySelectorAll('c2c-call').length >= before + 200 && b.lastSettled > callbackAt) {
            mo.disconnect();
            const t = b.tasks.slice(tasksBefore);
            console.log('append', JSON.stringify(t.map(([k, ms]) => k + ':' + ms.toFixed(1))), 'gap', (b.lastSettled - callbackAt).toFixed(1));
            done([b.lastSettled - callbackAt, t.reduce((s, [, ms]) => s + ms, 0)]);
          } else setTimeout(poll, 1);
        };
        poll();
      })`)) as [number, number];
      appends.push(ms[0]);
      appendTasks.push(ms[1]);
    }

    await page.goto(`${url}/naive`);
    await page.waitForFunction(
      () => (window as unknown as { __bench?: unknown }).__bench,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const naiveRun = (await page.evaluate(
      () => (window as unknown as { __bench: unknown }).__bench,
    )) as { naive: number; found: number };

    if (PROFILE) await profile(page, `${url}/decorate`);
    if (TRACE) await trace(browser, page, `${url}/decorate`);
    const walk = median(walks);
    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `page: ${ROWS} rows, ${textNodes} text nodes, ${buttons} buttons (${ROWS * 2} numbers expected), decoys: dates, money, order #, ZIP+4, %`,
    );
    console.log(`bare TreeWalker pass (median of ${RUNS}): ${fmt(walk)} ms`);
    console.log(
      `DOMContentLoaded → last button: median ${fmt(median(settled))} ms = ${(median(settled) / walk).toFixed(1)}× the TreeWalker pass (runs: ${settled.map(fmt).join(', ')})`,
    );
    console.log(
      `  our own script time in that span: median ${fmt(median(ourTotal))} ms = ${(median(ourTotal) / walk).toFixed(1)}× (the rest is the browser laying out and painting the page)`,
    );
    console.log(
      `  browser-only baselines at DOMContentLoaded: laying out the page as it is ${fmt(median(layouts))} ms = ${(median(layouts) / walk).toFixed(1)}×; inserting ${spanCount} empty 18 px spans where the buttons go and laying out ${fmt(median(spans))} ms = ${(median(spans) / walk).toFixed(1)}× (no detection at all); the same spans at zero size with contain: strict ${fmt(median(zeroSpans))} ms = ${(median(zeroSpans) / walk).toFixed(1)}×`,
    );
    console.log(
      `  for scale: libphonenumber-js findPhoneNumbersInText over every text node: ${fmt(naiveRun.naive)} ms = ${(naiveRun.naive / walk).toFixed(0)}× (matcher only, no buttons; ${naiveRun.found} numbers found, look-alikes included)`,
    );
    console.log(
      `first visible button after DOMContentLoaded: median ${fmt(median(firsts))} ms (in viewport: ${firstVisible})`,
    );
    console.log(
      `longest task of ours: max ${fmt(Math.max(...longest))} ms, median of runs ${fmt(median(longest))} ms (target ≤ 50 ms)`,
    );
    console.log(
      `100 rows appended: mutation callback → decorated: median ${fmt(median(appends))} ms, max ${fmt(Math.max(...appends))} ms (target ≤ 16 ms; runs: ${appends.map(fmt).join(', ')})`,
    );
    console.log(
      `  of which our own task: median ${fmt(median(appendTasks))} ms, max ${fmt(Math.max(...appendTasks))} ms; the rest is waiting for the next animation frame (the batch runs in requestAnimationFrame, up to one frame interval ≈ 16.7 ms after the callback)`,
    );
    console.log(
      `JS heap used (after GC): ${fmt(heap / 1e6)} MB with the decorator vs ${fmt(walkHeap / 1e6)} MB bare page (+${fmt((heap - walkHeap) / 1e6)} MB)`,
    );
    console.log(
      `decorator bundle alone (esbuild, minified): ${fmt(script.length / 1024)} KB, ${fmt(gzipSync(script).length / 1024)} KB gzip`,
    );
    if (existsSync(CONTENT_SCRIPT)) {
      const cs = readFileSync(CONTENT_SCRIPT);
      const text = cs.toString('utf8');
      // Strings every build of the vendor SDKs carries (the settings' "clevertap" key is not one).
      const sdk = ['VonageClient', 'vonage.com', 'signedcall', 'wzrk', 'RTCPeerConnection'].filter(
        (s) => text.toLowerCase().includes(s.toLowerCase()),
      );
      console.log(
        `content script .output/chrome-mv3-test/content-scripts/crm.js: ${fmt(cs.length / 1024)} KB, ${fmt(gzipSync(cs).length / 1024)} KB gzip (target ≤ 80 KB); call-SDK markers: ${sdk.length ? sdk.join(', ') : 'none'}`,
      );
    } else {
      console.log('content script: not built (run `npx wxt build --mode test` first for its size)');
    }
    if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
  } finally {
    await browser?.close();
    server.close();
  }
}
