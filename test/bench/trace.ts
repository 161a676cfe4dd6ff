// Reads a CDP trace (Tracing.start with ReturnAsStream) into main-thread figures for one page load.
import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, µs: what the task cost, whatever else the machine was doing. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { documentLoaderURL?: string; url?: string; type?: string; functionName?: string };
  };
}

/** One of the biggest main-thread tasks: when it began, its CPU, and what ran in it. */
export interface BigTask {
  /** Start, ms after navigation. */
  at: number;
  cpu: number;
  /** The named events directly in it (outermost only), CPU ms by name and event type, biggest first. */
  parts: [string, number][];
}

export interface MainThread {
  /** Sum of the main thread's tasks from navigation start to `until` (ms, wall clock). */
  total: number;
  /** The same in thread CPU time (ms): steadier on a loaded machine. */
  cpu: number;
  longest: number;
  /** Longest task that started after the page's first contentful paint. */
  longestAfterPaint: number;
  /** Tasks over 50 ms after the first contentful paint. */
  longAfterPaint: number;
  /** Longest tasks in thread CPU time, overall and after the first contentful paint. */
  longestCpu: number;
  longestCpuAfterPaint: number;
  /** CPU ms by event name (nested events too, so they overlap): where the time went. */
  byName: Map<string, number>;
  /** The five biggest tasks after the first contentful paint, by CPU. */
  biggest: BigTask[];
}

/** Events worth naming in a breakdown (devtools.timeline names). */
const NAMED = new Set([
  'ParseHTML',
  'EvaluateScript',
  'FunctionCall',
  'v8.compile',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'IntersectionObserverController::computeIntersections',
  'FireAnimationFrame',
  'FireIdleCallback',
  'HitTest',
  'MajorGC',
  'MinorGC',
  'V8.GC_SCAVENGER',
  'EventDispatch',
  'FireIdleCallback',
  'TimerFire',
  'RunMicrotasks',
]);

async function readTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const complete = new Promise<{ stream?: string }>((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  if (!stream) throw new Error('trace: no stream');
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** Ends the trace started on `cdp` and measures the main thread of the renderer that loaded `url`. */
export async function mainThread(
  cdp: CDPSession,
  url: string,
  untilMs: number,
): Promise<MainThread> {
  const events = await readTrace(cdp);
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL === url,
  );
  if (!nav) throw new Error(`trace: no navigationStart for ${url}`);
  const main = events.find(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.pid === nav.pid &&
      e.args?.name === 'CrRendererMain',
  );
  const tid = main?.tid ?? nav.tid;
  const paint = events.find(
    (e) => e.name === 'firstContentfulPaint' && e.pid === nav.pid && e.ts >= nav.ts,
  );
  const end = nav.ts + untilMs * 1000;
  const tasks = events.filter(
    (e) =>
      e.ph === 'X' &&
      e.name === 'ThreadControllerImpl::RunTask' &&
      e.pid === nav.pid &&
      e.tid === tid &&
      e.ts + (e.dur ?? 0) > nav.ts &&
      e.ts < end,
  );
  const ms = (e: TraceEvent) =>
    (Math.min(e.ts + (e.dur ?? 0), end) - Math.max(e.ts, nav.ts)) / 1000;
  const cpu = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;
  const byName = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== nav.pid || e.tid !== tid || !NAMED.has(e.name)) continue;
    if (e.ts < nav.ts || e.ts >= end) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + cpu(e));
  }
  const painted = tasks.filter((e) => paint && e.ts >= paint.ts);
  const afterPaint = painted.map(ms);
  const onMain = events.filter(
    (e) => e.ph === 'X' && e.pid === nav.pid && e.tid === tid && NAMED.has(e.name),
  );
  const biggest = [...painted]
    .sort((a, b) => cpu(b) - cpu(a))
    .slice(0, 5)
    .map((task): BigTask => {
      const taskEnd = task.ts + (task.dur ?? 0);
      const inside = onMain
        .filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= taskEnd)
        .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
      const parts = new Map<string, number>();
      let outerEnd = -Infinity;
      for (const e of inside) {
        if (e.ts < outerEnd) continue; // nested in the previous outermost event
        outerEnd = e.ts + (e.dur ?? 0);
        const detail = e.args?.data?.type ?? e.args?.data?.functionName;
        const key = detail ? `${e.name}(${detail})` : e.name;
        parts.set(key, (parts.get(key) ?? 0) + cpu(e));
      }
      return {
        at: (task.ts - nav.ts) / 1000,
        cpu: cpu(task),
        parts: [...parts].sort((a, b) => b[1] - a[1]),
      };
    });
  return {
    total: tasks.reduce((s, e) => s + ms(e), 0),
    cpu: tasks.reduce((s, e) => s + cpu(e), 0),
    longest: Math.max(0, ...tasks.map(ms)),
    longestAfterPaint: Math.max(0, ...afterPaint),
    longAfterPaint: afterPaint.filter((d) => d > 50).length,
    longestCpu: Math.max(0, ...tasks.map(cpu)),
    longestCpuAfterPaint: Math.max(0, ...painted.map(cpu)),
    byName,
    biggest,
  };
}

/** Main-thread CPU of one window between two performance marks (`<name>:start`, `<name>:end`). */
export interface MarkedWindow {
  /** Our script's tasks: animation-frame and idle callbacks (the bench page has none of its own). */
  own: number;
  /** Every main-thread task in the window, the style and layout our insertions cause included. */
  all: number;
  /** CPU ms by event name in the window (nested events too, so they overlap). */
  byName: Map<string, number>;
}

/**
 * Ends the trace started on `cdp` and measures each window marked `<name>:start` … `<name>:end`
 * (performance.mark in the page; the trace needs the blink.user_timing category), in order.
 */
export async function markedWindows(cdp: CDPSession, name: string): Promise<MarkedWindow[]> {
  const events = await readTrace(cdp);
  const marks = (suffix: string) =>
    events
      .filter((e) => e.cat.includes('blink.user_timing') && e.name === `${name}:${suffix}`)
      .sort((a, b) => a.ts - b.ts);
  const starts = marks('start');
  const ends = marks('end');
  if (!starts.length) return [];
  const { pid } = starts[0]!;
  const main = events.find(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.pid === pid &&
      e.args?.name === 'CrRendererMain',
  );
  const tid = main?.tid ?? starts[0]!.tid;
  const onMain = events.filter((e) => e.ph === 'X' && e.pid === pid && e.tid === tid);
  const cpu = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;
  return starts.map((start) => {
    const end = ends.find((e) => e.ts >= start.ts)?.ts ?? start.ts;
    // Tasks that began in the window (the marked start runs in the page's own task, before it).
    const inside = onMain.filter((e) => e.ts >= start.ts && e.ts <= end);
    const sum = (names: Set<string>) =>
      inside.filter((e) => names.has(e.name)).reduce((s, e) => s + cpu(e), 0);
    const byName = new Map<string, number>();
    for (const e of inside)
      if (NAMED.has(e.name)) byName.set(e.name, (byName.get(e.name) ?? 0) + cpu(e));
    return {
      own: sum(new Set(['FireAnimationFrame', 'FireIdleCallback'])),
      all: sum(new Set(['ThreadControllerImpl::RunTask'])),
      byName,
    };
  });
}
