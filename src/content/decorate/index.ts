// The page decorator: call buttons after phone numbers, call links and contact ids, kept in step with the page.
import type { Settings } from '../../settings/schema';
import { targetToUri as targetUri, type Target } from '../../contract/target';
import {
  compileContactRules,
  contactTargetOf,
  type CompiledContactRule,
} from '../../detect/contactRules';
import { resolveDefaultCountry } from '../../detect/defaultCountry';
import {
  HOST_TAG,
  PENDING_ATTRIBUTE,
  createButtonFactory,
  infoOf,
  isHost,
  type HostInfo,
} from './callButton';
import { containerOf, isInline, matchesExcluded, scanContainer, type Wanted } from './containers';
import { mayContainPhoneRun } from '../../detect/findPhoneNumbers';
import { findDisplayName } from './displayName';
import { browserScheduler, type Scheduler } from './scheduler';

export { HOST_TAG, TARGET_ATTRIBUTE } from './callButton';
export type { Scheduler } from './scheduler';

export interface DecorateOptions {
  document?: Document;
  settings: Settings;
  signal: AbortSignal;
  /** Called for trusted activations only (a real click or key press on our button). */
  onCall(target: Target, info: { displayName?: string; element: Element }): void;
  /** Accessible name of a button; default "Call <number>". */
  labels?: { call(formatted: string): string };
  /** For tests and the benchmark: a controllable scheduler. */
  scheduler?: Scheduler;
  /** For tests and the benchmark: decorate what is on screen first (default: when IntersectionObserver exists). */
  visibleFirst?: boolean;
  /** For the benchmark: each of our tasks' duration, and a call whenever all queued work is done. */
  onTask?(kind: 'frame' | 'idle' | 'visible', ms: number): void;
  onSettled?(): void;
}

/** Frame tasks: mutations are decorated in the next frame whole (100 appended rows ≈ 5 ms). */
const FRAME_BUDGET_MS = 40;
const VISIBLE_BUDGET_MS = 20;
const IDLE_BUDGET_MS = 40;
const IDLE_MIN_MS = 30;
/** Batches with more containers than this are decorated on-screen first, the rest when idle. */
const VISIBLE_FIRST_THRESHOLD = 150;
const VISIBLE_FIRST_THRESHOLD_CHANGES = 3000;
/** Containers decorated at once at the top of a large page; IntersectionObserver sorts the rest. */
const EARLY_CONTAINERS = 60;
const OBSERVE_CHUNK = 4000;
/** Containers this close to the viewport count as on screen (the observer's rootMargin). */
const VISIBLE_MARGIN_PX = 200;
/** Consecutive containers below the screen after which the rest of a batch is taken as off-screen. */
const BELOW_RUN = 256;
/** How often a page may remove one of our buttons before we stop putting it back there. */
const MAX_REINSERTS = 3;

const PHONE_LINKS =
  'a[href^="tel:" i], a[href^="callto:" i], a[href^="sip:" i], a[href^="sips:" i]';
const WATCHED_ATTRIBUTES = ['href', 'hidden', 'aria-hidden', 'contenteditable', 'data-c2c-ignore'];
const HAS_DIGIT = /[0-9\uff10-\uff19]/;

export function startDecorating(opts: DecorateOptions): void {
  const doc = opts.document ?? document;
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (opts.signal.aborted || !win) return;
  const scheduler = opts.scheduler ?? browserScheduler(win);
  const country = resolveDefaultCountry(opts.settings.defaultCountry);
  const label = opts.labels?.call ?? ((formatted: string) => `Call ${formatted}`);
  const rules: CompiledContactRule[] = compileContactRules(opts.settings, doc);
  const contactSelector = rules.map((r) => r.rule.selector).join(', ');
  const visibleFirst = opts.visibleFirst ?? typeof win.IntersectionObserver === 'function';

  const buttons = createButtonFactory(doc, label, (host, info) => {
    const displayName =
      info.kind === 'contact' ? info.formatted || findDisplayName(host) : findDisplayName(host);
    opts.onCall(info.target, displayName ? { displayName, element: host } : { element: host });
  });

  // Work queues. Roots are subtrees still to be searched; containers are blocks to (re)decorate.
  const roots: { root: Node; walker?: TreeWalker; initial?: boolean }[] = [];
  const urgent = new Set<Element>();
  const later: Element[] = [];
  let laterIndex = 0;
  const writes: {
    container: Element;
    version: number;
    wanted: Wanted[];
    existing: HTMLElement[];
  }[] = [];
  let writeIndex = 0;
  // Bumped whenever a container changes or is redone, so a stale read is never written.
  const versions = new WeakMap<Element, number>();
  const versionOf = (c: Element) => versions.get(c) ?? 0;
  const bump = (c: Element) => versions.set(c, versionOf(c) + 1);
  const contacts = new Map<Element, HTMLElement>();
  const contactQueue = new Set<Element>();
  let pruneContacts = false;
  const removedByUs = new WeakSet<Node>();
  const reinserts = new WeakMap<Element, number>();
  const cancels = new Set<() => void>();
  let frameCancel: (() => void) | null = null;
  let idleCancel: (() => void) | null = null;
  let stopped = false;

  function scheduleFrame() {
    if (frameCancel || stopped) return;
    frameCancel = scheduler.frame(() => {
      frameCancel = null;
      runTask('frame', () => FRAME_BUDGET_MS);
    });
  }
  function scheduleIdle() {
    if (idleCancel || stopped) return;
    idleCancel = scheduler.idle((budget) => {
      idleCancel = null;
      // Idle periods between frames are short; a too-small slice means one page re-layout per few
      // buttons. Take a useful slice (still well under a 50 ms long task).
      runTask('idle', () => Math.min(IDLE_BUDGET_MS, Math.max(IDLE_MIN_MS, budget())));
    });
  }

  // Whether an element is in an excluded subtree, memoised for one task (rows share ancestors).
  let excludedMemo = new Map<Element, boolean>();
  function isExcluded(el: Element | null): boolean {
    if (!el) return false;
    let result = excludedMemo.get(el);
    if (result === undefined) {
      result = matchesExcluded(el) || isExcluded(el.parentElement);
      excludedMemo.set(el, result);
    }
    return result;
  }

  function remove(host: Element) {
    removedByUs.add(host);
    host.remove();
  }

  /** Buttons written off-screen but not shown yet (see PENDING_ATTRIBUTE). */
  const pending: HTMLElement[] = [];

  function reconcile(wanted: Wanted[], existing: HTMLElement[], hold = false) {
    const keep = new Set<HTMLElement>();
    for (let i = 0; i < wanted.length;) {
      const anchor = wanted[i]!.anchor;
      let j = i;
      while (j < wanted.length && wanted[j]!.anchor === anchor) j++;
      if (!anchor.parentNode) {
        i = j; // gone since it was read; its container is queued again by the observer
        continue;
      }
      const chain: HTMLElement[] = [];
      for (let n = anchor.nextSibling; n && isHost(n); n = n.nextSibling) {
        if (infoOf(n)?.kind === 'phone') chain.push(n);
      }
      const same =
        chain.length === j - i &&
        chain.every((h, k) => infoOf(h)!.uri === targetUri(wanted[i + k]!.target));
      if (same) chain.forEach((h) => keep.add(h));
      else {
        let after: Node = anchor;
        for (let k = i; k < j; k++) {
          const want = wanted[k]!;
          const host = buttons.create({
            target: want.target,
            anchor,
            kind: 'phone',
            formatted: want.formatted,
          });
          if (hold) {
            host.setAttribute(PENDING_ATTRIBUTE, '');
            pending.push(host);
          }
          after.parentNode!.insertBefore(host, after.nextSibling);
          keep.add(host);
          after = host;
        }
      }
      i = j;
    }
    for (const host of existing) {
      if (!keep.has(host) && infoOf(host)?.kind === 'phone') remove(host);
    }
  }

  function processContainer(container: Element) {
    bump(container);
    if (!container.isConnected) return;
    if (isExcluded(container)) {
      removeHostsIn(container);
      return;
    }
    const existing: HTMLElement[] = [];
    const wanted = scanContainer(container, country, existing);
    if (wanted.length || existing.length) reconcile(wanted, existing);
  }

  function removeHostsIn(root: Element) {
    for (const host of Array.from(root.querySelectorAll(HOST_TAG))) {
      const info = infoOf(host);
      if (!info) continue;
      if (info.kind === 'contact') {
        for (const [el, h] of contacts) if (h === host) contacts.delete(el);
      }
      remove(host);
    }
  }

  function processContact(el: Element) {
    const current = contacts.get(el);
    const target = el.isConnected && !isExcluded(el) ? contactTargetOf(el, rules) : null;
    if (
      current &&
      target &&
      current.isConnected &&
      current.previousSibling === el &&
      infoOf(current)?.uri === targetUri(target)
    )
      return;
    if (current) {
      remove(current);
      contacts.delete(el);
    }
    if (!target || !el.parentNode) return;
    const name = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
    const host = buttons.create({
      target,
      anchor: el,
      kind: 'contact',
      formatted: name || target.id,
    });
    el.parentNode.insertBefore(host, el.nextSibling);
    contacts.set(el, host);
  }

  /** Searches part of a root; returns false when the budget ran out first. */
  function searchRoot(
    job: { root: Node; walker?: TreeWalker },
    found: Set<Element>,
    deadline: number,
    enough = Infinity,
  ): boolean {
    const root = job.root;
    if (!job.walker) {
      if (!root.isConnected) return true;
      if (root.nodeType === 3) {
        const c = containerOf(root);
        if (c) found.add(c);
        return true;
      }
      if (root.nodeType !== 1 && root.nodeType !== 9 && root.nodeType !== 11) return true;
      const el = root.nodeType === 1 ? (root as Element) : null;
      if (el && isExcluded(el)) {
        removeHostsIn(el);
        return true;
      }
      if (el) {
        const c = containerOf(el);
        if (c && c !== el) found.add(c);
      }
      job.walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
    }
    const walker = job.walker;
    let n = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const data = (node as Text).data;
      const parent = node.parentElement;
      // A number needs 7 digits in one text, or a digit in an inline piece of a split number.
      if (
        parent &&
        (isInline(parent)
          ? HAS_DIGIT.test(data)
          : mayContainPhoneRun(data, node.previousSibling !== null, node.nextSibling !== null))
      ) {
        found.add(containerOf(node) ?? parent);
        if (found.size >= enough) return false;
      }
      if ((++n & 255) === 0 && scheduler.now() > deadline) return false;
    }
    const scope = root as ParentNode;
    for (const link of Array.from(scope.querySelectorAll(PHONE_LINKS))) {
      const c = containerOf(link);
      if (c) found.add(c);
    }
    if (contactSelector) {
      if (root.nodeType === 1 && (root as Element).matches(contactSelector))
        contactQueue.add(root as Element);
      for (const el of Array.from(scope.querySelectorAll(contactSelector))) contactQueue.add(el);
    }
    return true;
  }

  /**
   * Sends a large batch through an IntersectionObserver: on-screen containers now, the rest in
   * idle time. Targets are observed a few thousand per frame so no task of ours grows long.
   */
  function sortByVisibility(found: Element[]) {
    let pending = found.length;
    let next = 0;
    let chunkCancel: (() => void) | null = null;
    const io = new win!.IntersectionObserver(
      (entries) => {
        if (stopped) return;
        excludedMemo = new Map();
        const start = scheduler.now();
        const visible: Element[] = [];
        for (const entry of entries) {
          io.unobserve(entry.target);
          pending--;
          if (entry.isIntersecting) visible.push(entry.target);
          else later.push(entry.target);
        }
        if (pending <= 0) cancel();
        const deadline = start + VISIBLE_BUDGET_MS;
        let i = 0;
        for (; i < visible.length && scheduler.now() < deadline; i++) processContainer(visible[i]!);
        for (; i < visible.length; i++) urgent.add(visible[i]!);
        opts.onTask?.('visible', scheduler.now() - start);
        if (urgent.size) scheduleFrame();
        if (laterIndex < later.length) scheduleIdle();
        else checkSettled();
      },
      { rootMargin: `${VISIBLE_MARGIN_PX}px 0px` },
    );
    const cancel = () => {
      io.disconnect();
      chunkCancel?.();
      cancels.delete(cancel);
    };
    cancels.add(cancel);
    const observeChunk = () => {
      chunkCancel = null;
      if (stopped) return;
      const end = Math.min(found.length, next + OBSERVE_CHUNK);
      for (; next < end; next++) io.observe(found[next]!);
      if (next < found.length) chunkCancel = scheduler.frame(observeChunk);
    };
    observeChunk();
  }

  /**
   * The same split as sortByVisibility, read from the layout this frame already has: in a frame task
   * nothing of ours is written before these reads, so no layout is forced and no frames are spent
   * waiting for an IntersectionObserver. Returns false where there is no layout (an unrendered
   * document), leaving the split to the observer.
   */
  function sortByRects(found: Element[], deadline: number): boolean {
    const height = win!.innerHeight;
    const width = win!.innerWidth;
    if (!height || !width) return false;
    const mark = later.length;
    let laidOut = false;
    let below = 0;
    let i = 0;
    for (; i < found.length; i++) {
      if ((i & 127) === 127 && scheduler.now() > deadline) break;
      // Document order runs down the page: after a long run below the screen, the rest is too (a
      // rare exception is merely decorated in idle time, like everything off-screen).
      if (below >= BELOW_RUN) break;
      const el = found[i]!;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) {
        later.push(el); // not rendered (display: none …): when idle, like everything off-screen
        if (i === 63 && !laidOut) break;
        continue;
      }
      laidOut = true;
      if (r.top >= height + VISIBLE_MARGIN_PX) below++;
      else below = 0;
      if (
        r.bottom > -VISIBLE_MARGIN_PX &&
        r.top < height + VISIBLE_MARGIN_PX &&
        r.right > 0 &&
        r.left < width
      )
        urgent.add(el);
      else later.push(el);
    }
    if (!laidOut) {
      later.length = mark; // nothing to go by: let the observer decide
      return false;
    }
    for (; i < found.length; i++) later.push(found[i]!);
    return true;
  }

  function runTask(kind: 'frame' | 'idle', budget: () => number) {
    if (stopped) return;
    excludedMemo = new Map();
    const start = scheduler.now();
    const deadline = start + Math.max(1, budget());
    const found = new Set<Element>();
    let initial = false;
    while (roots.length && scheduler.now() < deadline) {
      initial ||= !!roots[0]!.initial;
      if (searchRoot(roots[0]!, found, deadline)) roots.shift();
    }
    // The first pass over a page goes on-screen first; changes (appended rows, edits) are decorated
    // in the next frame wherever they are, unless a change replaces most of a huge page.
    const threshold = initial ? VISIBLE_FIRST_THRESHOLD : VISIBLE_FIRST_THRESHOLD_CHANGES;
    if (found.size > threshold && visibleFirst) {
      const list = Array.from(found);
      if (!sortByRects(list, deadline)) sortByVisibility(list);
    } else for (const c of found) urgent.add(c);

    if (pruneContacts) {
      pruneContacts = false;
      for (const [el, host] of contacts) {
        if (!el.isConnected || !host.isConnected) contactQueue.add(el);
      }
    }
    for (const el of contactQueue) {
      if (scheduler.now() >= deadline) break;
      contactQueue.delete(el);
      processContact(el);
    }
    for (const c of urgent) {
      if (scheduler.now() >= deadline) break;
      urgent.delete(c);
      processContainer(c);
    }
    if (kind === 'idle') {
      // Off-screen work: read everything first, then write in as few tasks as possible, so the
      // page re-lays out a handful of times rather than once per slice.
      while (laterIndex < later.length && scheduler.now() < deadline) {
        const c = later[laterIndex++]!;
        if (!c.isConnected || urgent.has(c)) continue;
        if (isExcluded(c)) continue;
        const existing: HTMLElement[] = [];
        const wanted = scanContainer(c, country, existing);
        if (wanted.length || existing.length)
          writes.push({ container: c, version: versionOf(c), wanted, existing });
      }
      if (laterIndex >= later.length) {
        while (writeIndex < writes.length && scheduler.now() < deadline) {
          const w = writes[writeIndex++]!;
          // Changed since it was read: the mutation path has (or will have) redone it.
          if (!w.container.isConnected || versionOf(w.container) !== w.version) continue;
          if (urgent.has(w.container)) continue;
          reconcile(w.wanted, w.existing, true);
        }
        if (writeIndex >= writes.length) {
          // Shown all at once: the page lays out once for all off-screen buttons, not per slice.
          for (const host of pending) host.removeAttribute(PENDING_ATTRIBUTE);
          pending.length = 0;
          later.length = laterIndex = 0;
          writes.length = writeIndex = 0;
        }
      }
    }
    opts.onTask?.(kind, scheduler.now() - start);
    if (roots.length || urgent.size || contactQueue.size) scheduleFrame();
    if (laterIndex < later.length || writeIndex < writes.length) scheduleIdle();
    checkSettled();
  }

  function checkSettled() {
    if (
      !roots.length &&
      !urgent.size &&
      !contactQueue.size &&
      laterIndex >= later.length &&
      writeIndex >= writes.length &&
      cancels.size === 0
    )
      opts.onSettled?.();
  }

  function markContainerOf(node: Node) {
    const c = containerOf(node);
    if (c) {
      urgent.add(c);
      bump(c);
    }
  }

  const observer = new win.MutationObserver((records) => {
    for (const rec of records) {
      if (rec.type === 'characterData') {
        markContainerOf(rec.target);
        continue;
      }
      if (rec.type === 'attributes') {
        const el = rec.target as Element;
        if (isHost(el)) continue;
        roots.push({ root: el });
        if (el.parentNode) markContainerOf(el);
        contactQueue.add(el);
        if (!el.isConnected) pruneContacts = true;
        continue;
      }
      // Most records on a decorated page are our own insertions: skip them without allocating.
      if (
        rec.removedNodes.length === 0 &&
        rec.addedNodes.length === 1 &&
        isHost(rec.addedNodes[0]!)
      )
        continue;
      let relevant = false;
      for (const node of Array.from(rec.addedNodes)) {
        if (isHost(node)) continue;
        relevant = true;
        roots.push({ root: node });
      }
      for (const node of Array.from(rec.removedNodes)) {
        if (isHost(node)) {
          if (removedByUs.has(node)) continue;
          // The page removed one of our buttons (a re-render): put it back, but don't fight forever.
          const target = rec.target as Element;
          const count = (reinserts.get(target) ?? 0) + 1;
          reinserts.set(target, count);
          if (count <= MAX_REINSERTS) {
            relevant = true;
            if (infoOf(node)?.kind === 'contact') pruneContacts = true;
          }
          continue;
        }
        relevant = true;
        if (node.nodeType === 1) pruneContacts = true;
      }
      if (relevant) markContainerOf(rec.target);
    }
    if (roots.length || urgent.size || contactQueue.size || pruneContacts) scheduleFrame();
  });

  function start() {
    if (stopped) return;
    // Buttons left by an earlier instance of the content script (extension reload) are dead.
    for (const stale of Array.from(doc.querySelectorAll(HOST_TAG))) {
      if (!infoOf(stale)) stale.remove();
    }
    const attributeFilter = [...WATCHED_ATTRIBUTES];
    for (const r of rules) {
      if (r.rule.source.type === 'attribute') attributeFilter.push(r.rule.source.name);
    }
    observer.observe(doc, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter,
    });
    const job = { root: doc.body ?? doc.documentElement, initial: true };
    // The top of the page, now, in this task: usually what is on screen, decorated before the first
    // paint. The rest of the walk continues in frame tasks.
    excludedMemo = new Map();
    const started = scheduler.now();
    const head = new Set<Element>();
    const done = searchRoot(job, head, started + VISIBLE_BUDGET_MS, EARLY_CONTAINERS);
    for (const c of head) processContainer(c);
    opts.onTask?.('frame', scheduler.now() - started);
    if (!done) roots.push(job);
    scheduleFrame();
  }

  function stop() {
    stopped = true;
    observer.disconnect();
    frameCancel?.();
    idleCancel?.();
    for (const cancel of cancels) cancel();
    cancels.clear();
    for (const host of Array.from(doc.querySelectorAll(HOST_TAG))) {
      if (infoOf(host)) host.remove();
    }
    for (const host of contacts.values()) host.remove();
    contacts.clear();
    roots.length = 0;
    urgent.clear();
    later.length = 0;
  }

  opts.signal.addEventListener('abort', stop, { once: true });
  buttons.listen(opts.signal);
  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', start, { once: true, signal: opts.signal });
  } else start();
}

export type { HostInfo };
