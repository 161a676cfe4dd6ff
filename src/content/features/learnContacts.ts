// The learned directory's source: numbers the page's call buttons stand for, with the row's name, the
// record the row links to and the page title, sent to the background in small throttled batches.
// It reads only our buttons, after the decorator made them, in idle time: detection never waits.
import { type LearnedContact, LEARN_BATCH_MAX, background } from '../../messaging/background';
import { HOST_TAG, infoOf } from '../decorate/callButton';
import { findDisplayName, type RowCells } from '../decorate/displayName';
import type { Page } from '../decorate/page';

/** After a change, wait this long (changes come in bursts) before reading the buttons. */
export const SCAN_DELAY_MS = 1500;
/** At most one message per this interval. */
export const SEND_INTERVAL_MS = 2000;
/** One idle slice of reading buttons, at most. */
const SLICE_MS = 8;
const ROW = 'tr, [role="row"], li, [role="listitem"]';

type Idle = (run: (timeLeft: () => number) => void) => void;

export function init(
  signal: AbortSignal,
  page: Page,
  send = sendToBackground,
  timing = { scanDelayMs: SCAN_DELAY_MS, sendIntervalMs: SEND_INTERVAL_MS },
): void {
  if (signal.aborted) return;
  const { win, doc } = page;
  const sent = new Set<string>();
  const queue: LearnedContact[] = [];
  let scanTimer: number | undefined;
  let sendTimer: number | undefined;
  let lastSent = 0;
  // Each slice ends after SLICE_MS whatever the browser's deadline says: an idle callback run by its
  // timeout (a page that never idles, say while scrolling) reported time left for a whole 20,000-
  // button scan, one 0.6 s task in the middle of a scroll.
  const slice = (run: (timeLeft: () => number) => void, browserLeft: () => number) => {
    const end = win.performance.now() + SLICE_MS;
    run(() => Math.min(browserLeft(), end - win.performance.now()));
  };
  const idle: Idle = (run) => {
    if (typeof win.requestIdleCallback === 'function')
      win.requestIdleCallback((d) => slice(run, () => d.timeRemaining()), { timeout: 5000 });
    else win.setTimeout(() => slice(run, () => SLICE_MS), 0);
  };

  const schedule = () => {
    if (scanTimer === undefined && !signal.aborted)
      scanTimer = win.setTimeout(scan, timing.scanDelayMs);
  };
  /** Buttons made since the last scan; null until the first scan, which reads the whole page. */
  let made: Element[] | null = null;
  const scan = () => {
    scanTimer = undefined;
    // Only the buttons made since the last scan, not every button on the page again: on a long
    // list each appended batch would cost a query and a filter over thousands of buttons.
    const candidates = made ?? Array.from(doc.querySelectorAll(HOST_TAG));
    made = [];
    // Each button is a candidate once (the first scan's query, or the list since it), so no set of
    // buttons read: 20,000 entries of one were a share of a long list's heap.
    const hosts = candidates;
    let i = 0;
    const slice = (timeLeft: () => number) => {
      if (signal.aborted) return;
      // Within one slice the page cannot change: the buttons of a row share its reading.
      const rows: RowCells = new Map();
      const urls = new Map<Element | null, string>();
      for (; i < hosts.length && timeLeft() > 1; i++) learn(hosts[i]!, rows, urls);
      flush();
      if (i < hosts.length) idle(slice);
    };
    if (hosts.length) idle(slice);
  };
  const learn = (host: Element, rows: RowCells, urls: Map<Element | null, string>) => {
    const target = infoOf(host)?.target; // read back from the button's URI: once
    if (!target || target.kind !== 'phone' || target.ext || !host.isConnected) return;
    const name = findDisplayName(host, rows);
    if (!name) return;
    const row = host.closest(ROW);
    let url = urls.get(row);
    if (url === undefined) urls.set(row, (url = recordUrlOf(host, doc, row)));
    const key = `${target.e164}\n${name}\n${url}`;
    if (sent.has(key)) return;
    sent.add(key);
    queue.push({ number: target.e164, name, url, title: doc.title.slice(0, 300) });
  };
  const flush = () => {
    if (queue.length === 0 || sendTimer !== undefined || signal.aborted) return;
    const wait = Math.max(0, lastSent + timing.sendIntervalMs - Date.now());
    sendTimer = win.setTimeout(() => {
      sendTimer = undefined;
      lastSent = Date.now();
      send(queue.splice(0, LEARN_BATCH_MAX));
      flush();
    }, wait);
  };

  // Every button made from now on (by any feature: they all make them through the page) schedules a
  // scan; the decorator itself is untouched. Buttons made before this feature started are read by
  // the first scan.
  const create = page.createButton;
  page.createButton = (info) => {
    schedule();
    const host = create(info);
    made?.push(host);
    return host;
  };
  page.observer.subscribe({ changed: schedule }, signal);
  signal.addEventListener(
    'abort',
    () => {
      win.clearTimeout(scanTimer);
      win.clearTimeout(sendTimer);
      queue.length = 0;
      made = null;
    },
    { once: true },
  );
  schedule();
}

function sendToBackground(entries: LearnedContact[]): void {
  try {
    void background.send('learnContacts', { entries }).catch(() => undefined);
  } catch {
    // No background to tell (the extension was reloaded): the next page load learns again.
  }
}

/** The record a list row links to (its first web link), else the page itself (a record page). */
export function recordUrlOf(
  host: Element,
  doc: Document,
  row: Element | null = host.closest(ROW),
): string {
  for (const a of row ? Array.from(row.querySelectorAll<HTMLAnchorElement>('a[href]')) : []) {
    if (/^https?:$/.test(a.protocol) && a.href.length <= 2000) return a.href;
  }
  return doc.location.href.slice(0, 2000);
}
