// The learned directory's source: numbers the page's call buttons stand for, with the row's name, the
// record the row links to and the page title, sent to the background in small throttled batches.
// It reads only our buttons, after the decorator made them, in idle time: detection never waits.
import { type LearnedContact, LEARN_BATCH_MAX, background } from '../../messaging/background';
import { infoOf } from '../decorate/callButton';
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
  /** What was queued (number, name, record), as a 53-bit hash: 20,000 rows' keys as strings were about 2 MB. */
  const sent = new Set<number>();
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
  /** Buttons found by the scans and not read yet, from `next` on. */
  let unread: Element[] = [];
  let next = 0;
  let reading = false;
  const scan = () => {
    scanTimer = undefined;
    // Only the buttons made since the last scan (each is found once, so no set of buttons read):
    // on a long list each appended batch would otherwise cost a query over thousands of buttons.
    const found = made ?? page.shadows.queryAll(doc);
    made = [];
    unread = next < unread.length ? unread.slice(next).concat(found) : found;
    next = 0;
    readSoon();
  };
  // Buttons are read one batch ahead of the sending, not all at once: 20,000 rows' contacts waiting
  // in the queue (sent 100 every 2 s) were about 2.5 MB of a long list's heap for minutes. A row is
  // read as it is when its turn comes.
  const readSoon = () => {
    if (reading || next >= unread.length || queue.length >= LEARN_BATCH_MAX || signal.aborted)
      return;
    reading = true;
    idle(read);
  };
  const read = (timeLeft: () => number) => {
    reading = false;
    if (signal.aborted) return;
    // Within one slice the page cannot change: the buttons of a row share its reading.
    const rows: RowCells = new Map();
    const urls = new Map<Element | null, string>();
    while (next < unread.length && queue.length < LEARN_BATCH_MAX && timeLeft() > 1)
      learn(unread[next++]!, rows, urls);
    if (next >= unread.length) {
      unread = [];
      next = 0;
    }
    flush();
    readSoon();
  };
  const learn = (host: Element, rows: RowCells, urls: Map<Element | null, string>) => {
    const target = infoOf(host)?.target; // read back from the button's URI: once
    if (!target || target.kind !== 'phone' || target.ext || !host.isConnected) return;
    const name = findDisplayName(host, rows);
    if (!name) return;
    const row = host.closest(ROW);
    let url = urls.get(row);
    if (url === undefined) urls.set(row, (url = recordUrlOf(host, doc, row)));
    const key = learnedKey(target.e164, name, url);
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
      readSoon();
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
      unread = [];
    },
    { once: true },
  );
  schedule();
}

/**
 * A number, a name and a record link as one 53-bit integer (two 32-bit FNV-1a hashes of different
 * bases): equal triples give equal keys; two different ones share one on about one 20,000-row page in
 * 50 million, and then only the second is not learned from that page.
 */
export function learnedKey(number: string, name: string, url: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const part of [number, name, url]) {
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    // A separator no text has, so ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
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
