// Phone-number buttons: a call button after each phone number and call link in the page's text.
// Takes containers from the page's walk of added subtrees and observes changed text; decorates
// changes in the next frame, a large first pass on-screen first and the rest in idle time (see
// offscreenWrites.ts).
import { infoOf } from '../decorate/callButton';
import { containerOf, scanContainer } from '../decorate/containers';
import type { Page } from '../decorate/page';
import { createOffscreenWrites, type OffscreenWrites } from './offscreenWrites';
import { reconcilePhoneButtons } from './reconcilePhoneButtons';
import { createPhoneSearch, type PhoneSearch } from './phoneSearch';
import { splitByObserver, splitByRects, type Split } from './visibleFirst';

const VISIBLE_BUDGET_MS = 20;
/** Reading the layout to split a batch (a few hundred rows; each read ~1 µs once laid out). */
const SPLIT_BUDGET_MS = 10;
/** Batches with more containers than this are decorated on-screen first, the rest when idle. */
const VISIBLE_FIRST_THRESHOLD = 150;
const VISIBLE_FIRST_THRESHOLD_CHANGES = 3000;
/**
 * Containers decorated at once, in the DOMContentLoaded task, at the top of a large page (about a
 * screen of rows); the next frame, before the first paint, does the rest of the screen. The first
 * buttons appear when that task ends: 60 made it 22–35 ms on a busy machine, 30 about half.
 */
const EARLY_CONTAINERS = 30;
/** The same start task's budget. */
const EARLY_BUDGET_MS = 10;

/** The feature's queues for one page. */
interface Phones {
  page: Page;
  country: string;
  /** Containers to (re)decorate in the next frame. */
  urgent: Set<Element>;
  /** Bumped whenever a container changes or is redone, so a stale read is never written. */
  versions: WeakMap<Element, number>;
  /** IntersectionObserver splits still waiting for the browser's answer. */
  splits: Set<() => void>;
  offscreen: OffscreenWrites;
  /** Containers found by the page's walk, not yet decorated or split. */
  search: PhoneSearch;
  /** The first pass's split reached the run below the screen: the rest of that pass is off-screen. */
  restBelow: boolean;
  /** The first pass has been split by visibility (so its later batches are too). */
  firstPassSplit: boolean;
}

export function init(signal: AbortSignal, page: Page): void {
  if (signal.aborted) return;
  const phones = createPhones(page);
  signal.addEventListener('abort', () => stop(phones), { once: true });
  page.walk.subscribe(phones.search, signal);
  page.observer.subscribe(
    {
      changed: (node) => markContainerOf(phones, node),
    },
    signal,
    ['href'],
  );
  page.loop.add(
    {
      run: (kind, deadline) => run(phones, kind, deadline),
      remaining: () => ({
        frame: phones.search.size > 0 || phones.urgent.size > 0,
        idle: phones.offscreen.pending(),
        waiting: phones.splits.size > 0,
        // On screen or changed: what the agent is looking at.
        urgent: phones.urgent.size > 0,
      }),
    },
    signal,
  );
  decorateTop(phones);
}

function createPhones(page: Page): Phones {
  const versions = new WeakMap<Element, number>();
  const urgent = new Set<Element>();
  const { country } = page;
  return {
    page,
    country,
    urgent,
    versions,
    splits: new Set(),
    offscreen: createOffscreenWrites(page, country, {
      versionOf: (c) => versions.get(c) ?? 0,
      skip: (c) => urgent.has(c),
    }),
    search: createPhoneSearch((el) => removeButtonsIn(page, el)),
    restBelow: false,
    firstPassSplit: false,
  };
}

/** The top of the page, now, in this task: usually what is on screen, before the first paint. */
function decorateTop(phones: Phones) {
  const { page, search } = phones;
  page.loop.runNow('frame', EARLY_BUDGET_MS, (deadline) => {
    // The rest of the walk continues in frame tasks.
    page.walk.run(deadline, () => search.size >= EARLY_CONTAINERS);
    for (const c of search.take().found) processContainer(phones, c);
  });
}

function run(phones: Phones, kind: 'frame' | 'idle', deadline: number) {
  const { urgent, page } = phones;
  const now = page.loop.now;
  // What the page's walk found in this task (it runs before the features).
  const { found, initial } = phones.search.take();
  // The first pass over a page goes on-screen first; changes (appended rows, edits) are decorated
  // in the next frame wherever they are, unless a change replaces most of a huge page.
  const threshold = initial ? VISIBLE_FIRST_THRESHOLD : VISIBLE_FIRST_THRESHOLD_CHANGES;
  // Later batches of a first pass that already went below the screen: no layout read (our writes
  // of the frames since dirtied it: each read would re-lay out the whole page, 0.1–1 s on a long list).
  // A first pass that went visible-first stays so: its last, smaller batch is not decorated in one
  // frame wherever it is.
  const split = found.size > threshold || (initial && phones.firstPassSplit);
  if (initial && phones.restBelow && page.visibleFirst) phones.offscreen.add(Array.from(found));
  else if (split && found.size > 0 && page.visibleFirst) {
    phones.firstPassSplit ||= initial;
    splitByVisibility(phones, Array.from(found), initial);
  } else for (const c of found) urgent.add(c);
  for (const c of urgent) {
    if (now() >= deadline) break;
    urgent.delete(c);
    processContainer(phones, c);
  }
  if (kind === 'idle') phones.offscreen.run(deadline);
}

function splitByVisibility(phones: Phones, found: Element[], initial: boolean) {
  const { page, urgent } = phones;
  // Its own small budget: the walk before it in this task has usually used the task's, and a split
  // cut short does not learn where the screen ends (reads on a clean layout are cheap).
  const split = splitByRects(page.win, found, page.loop.now() + SPLIT_BUDGET_MS, page.loop.now);
  if (split) {
    split.onScreen.forEach((c) => urgent.add(c));
    phones.offscreen.add(split.offScreen);
    // Only the first pass's own split says where the rest of that pass lies: a change's batch (rows
    // replaced elsewhere on the page meanwhile) says nothing about the first pass's later batches.
    if (split.restBelow && initial) phones.restBelow = true;
    return;
  }
  const cancel = splitByObserver(page.win, found, page.loop.nextFrame, (part: Split, last) => {
    if (last) phones.splits.delete(cancel);
    page.loop.runNow('visible', VISIBLE_BUDGET_MS, (visibleDeadline) => {
      phones.offscreen.add(part.offScreen);
      let i = 0;
      for (; i < part.onScreen.length && page.loop.now() < visibleDeadline; i++)
        processContainer(phones, part.onScreen[i]!);
      for (; i < part.onScreen.length; i++) urgent.add(part.onScreen[i]!);
    });
  });
  phones.splits.add(cancel);
}

function processContainer(phones: Phones, container: Element) {
  const { page, versions } = phones;
  versions.set(container, (versions.get(container) ?? 0) + 1);
  if (!container.isConnected) return;
  if (page.isExcluded(container)) {
    removeButtonsIn(page, container);
    return;
  }
  const existing: HTMLElement[] = [];
  const wanted = scanContainer(container, phones.country, existing);
  if (wanted.length || existing.length) reconcilePhoneButtons(page, wanted, existing);
}

function markContainerOf(phones: Phones, node: Node) {
  const c = containerOf(node);
  if (c) {
    phones.urgent.add(c);
    phones.versions.set(c, (phones.versions.get(c) ?? 0) + 1);
  }
}

function removeButtonsIn(page: Page, root: Element) {
  for (const host of page.shadows.queryAll(root)) {
    if (infoOf(host)?.kind === 'phone') page.removeButton(host);
  }
}

function stop(phones: Phones) {
  for (const cancel of phones.splits) cancel();
  phones.splits.clear();
  for (const host of phones.page.shadows.queryAll(phones.page.doc)) {
    if (infoOf(host)?.kind === 'phone') host.remove();
  }
  phones.search.take();
  phones.urgent.clear();
  phones.offscreen.clear();
}
