// What the decorating features of one document share: the observer, the scheduler, the buttons.
import type { Settings } from '../../settings/schema';
import type { Target } from '../../contract/target';
import { HOST_TAG, createButtonFactory, infoOf, type ButtonSpec } from './callButton';
import { resolveDefaultCountry } from '../../detect/defaultCountry';
import { matchesExcluded, stillWritten } from './containers';
import { findDisplayName } from './displayName';
import { createObserver, type PageObserver } from './observer';
import { browserScheduler, type Scheduler } from './scheduler';
import { parentOrHost } from '../tree';
import { createShadowRoots, type ShadowRoots } from './shadowRoots';
import { createSubtreeWalk, type SubtreeWalk } from './subtreeWalk';
import { createWorkLoop, type WorkLoop } from './workLoop';

export interface PageOptions {
  document?: Document;
  settings: Settings;
  /** Aborting it stops every feature and removes every button. */
  signal: AbortSignal;
  /** Called for trusted activations only (a real click or key press on our button). */
  onCall(target: Target, info: { displayName?: string; element: Element }): void;
  /** Accessible name of a button; default "Call <number>". */
  labels?: { call(formatted: string): string };
  /** For tests: a controllable scheduler. */
  scheduler?: Scheduler;
  /** For tests: decorate what is on screen first (default: when IntersectionObserver exists). */
  visibleFirst?: boolean;
}

export interface Page {
  doc: Document;
  win: Window & typeof globalThis;
  settings: Settings;
  /** The region numbers written without a country code are read in (settings, else the browser's). */
  country: string;
  observer: PageObserver;
  loop: WorkLoop;
  /**
   * The one walk of the page and of every subtree added to it (features subscribe to what they
   * want from it); it runs first in each task of the loop, briefly while on-screen work waits.
   */
  walk: SubtreeWalk;
  /** Whether large batches go on-screen first. */
  visibleFirst: boolean;
  /** The shadow roots of the page's components that the walk and the observer follow. */
  shadows: ShadowRoots;
  createButton(info: ButtonSpec): HTMLElement;
  /** Removes one of our buttons (not counted as the page removing it). */
  removeButton(host: Element): void;
  /** Whether `el` is in a subtree we never decorate, memoised for one task (rows share ancestors). */
  isExcluded(el: Element | null): boolean;
}

/** A decorating feature: says what it observes and what it adds, and stops when `signal` aborts. */
export interface Feature {
  init(signal: AbortSignal, page: Page): void;
}

/** Elements whose exclusion `isExcluded` remembers within a task: a deep page's ancestors, twice. */
const MEMO_SIZE = 32;
/** The walk's slice of a frame while on-screen work waits (a frame task's budget is 40 ms). */
const URGENT_WALK_MS = 8;

/**
 * Runs `start` once the document is parsed: at DOMContentLoaded (`late` false), or now if it already
 * is (`late`: the content script came to a page already open).
 */
export function whenParsed(
  doc: Document,
  signal: AbortSignal,
  start: (late: boolean) => void,
): void {
  if (signal.aborted) return;
  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', () => start(false), { once: true, signal });
  } else start(true);
}

/** What makes and reads our buttons in one document: made before the page, for the early pass too. */
export interface ButtonMaker {
  doc: Document;
  win: Window & typeof globalThis;
  /** The region numbers written without a country code are read in. */
  country: string;
  createButton(info: ButtonSpec): HTMLElement;
}

/** The buttons' factory for `opts`' document (its listeners stop when `opts.signal` aborts). */
export function createButtonMaker(opts: PageOptions): ButtonMaker | null {
  const doc = opts.document ?? document;
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (opts.signal.aborted || !win) return null;
  const label = opts.labels?.call ?? ((formatted: string) => `Call ${formatted}`);
  const country = resolveDefaultCountry(opts.settings.defaultCountry);
  const buttons = createButtonFactory(
    doc,
    label,
    (host, info) => {
      const displayName =
        info.kind === 'contact' ? info.formatted || findDisplayName(host) : findDisplayName(host);
      opts.onCall(info.target, displayName ? { displayName, element: host } : { element: host });
    },
    (anchor, uri) => stillWritten(anchor, uri, country),
  );
  buttons.listen(opts.signal);
  return { doc, win, country, createButton: buttons.create };
}

/**
 * The shared machinery for one parsed document; null when it has no window or `signal` aborted.
 * `late`: started on a page already parsed (see whenParsed), which may hold an earlier instance's
 * buttons. `maker`: the one the early pass made its buttons with (so they are this page's).
 */
export function createPage(
  opts: PageOptions,
  late = true,
  maker = createButtonMaker(opts),
): Page | null {
  const signal = opts.signal;
  if (signal.aborted || !maker) return null;
  const { doc, win, country } = maker;
  const loop = createWorkLoop(opts.scheduler ?? browserScheduler(win), signal);
  const shadows = createShadowRoots(win, signal, (root) => {
    followRoot(root, false);
    loop.update();
  });
  const observer = createObserver(doc, win, signal, loop.update, shadows.all);

  // Buttons left by an earlier instance of the content script are dead: after a reload of the
  // extension, Firefox runs the new one in pages already open. An instance makes buttons from
  // DOMContentLoaded on, so a page still loading when we started holds none: no search of the whole
  // document before its first buttons there (3 ms on the 10,000-row list).
  const removeStale = (root: ParentNode) => {
    for (const stale of Array.from(root.querySelectorAll(HOST_TAG))) {
      if (!infoOf(stale)) stale.remove();
    }
  };
  if (late) removeStale(doc);

  // The last few elements' answers, for this task only (the page may change between tasks): rows
  // share their ancestors, and the walk goes in document order. Not a map of every element asked
  // about: an element's JS object held for a task that long lives on in the heap as long as the
  // element does (10,000 rows' `<tr>` objects, 160 KB).
  const memoEls: (Element | null)[] = new Array<Element | null>(MEMO_SIZE).fill(null);
  const memoResults: boolean[] = new Array<boolean>(MEMO_SIZE).fill(false);
  let memoNext = 0;
  let memoTask = -1;
  function isExcluded(el: Element | null): boolean {
    if (!el) return false;
    if (memoTask !== loop.task) {
      memoEls.fill(null);
      memoTask = loop.task;
    }
    const at = memoEls.indexOf(el);
    if (at >= 0) return memoResults[at]!;
    // A component's content is excluded with its host's ancestors.
    const result = matchesExcluded(el) || isExcluded(parentOrHost(el));
    memoEls[memoNext] = el;
    memoResults[memoNext] = result;
    memoNext = (memoNext + 1) % MEMO_SIZE;
    return result;
  }

  // A component's root, once reported, is observed like the document (once: the registration lasts
  // as long as the root) and walked like an added subtree (again whenever its host is: the host may
  // have been in an excluded subtree before).
  function followRoot(root: ShadowRoot, first: boolean) {
    if (shadows.add(root)) {
      if (late) removeStale(root);
      observer.observeRoot(root);
    }
    walk.add(root, first);
  }
  const walk = createSubtreeWalk(doc, loop.now, isExcluded, {
    root: followRoot,
    undefinedElement: (el) => shadows.watchUpgrade(el),
  });
  loop.add(
    {
      // On-screen work waiting: a short slice, the rest of the frame is the features'.
      run: (_kind, deadline) =>
        walk.run(loop.urgent ? Math.min(deadline, loop.now() + URGENT_WALK_MS) : deadline),
      remaining: () => ({ frame: walk.pending(), idle: false }),
    },
    signal,
  );
  observer.subscribe({ added: (node) => walk.add(node) }, signal);
  signal.addEventListener('abort', walk.clear, { once: true });
  // The first pass: walked by the first task after the features have subscribed.
  walk.add(doc.body ?? doc.documentElement, true);

  return {
    doc,
    win,
    settings: opts.settings,
    country,
    observer,
    loop,
    walk,
    visibleFirst: opts.visibleFirst ?? typeof win.IntersectionObserver === 'function',
    shadows,
    createButton: maker.createButton,
    removeButton: observer.removeButton,
    isExcluded,
  };
}
