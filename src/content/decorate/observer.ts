// The one MutationObserver of a page: tells each feature what changed, our own buttons left out.
import { isHost } from './callButton';

/** What a feature hears about; every callback is optional. */
export interface Changes {
  /** A node was added to the page, or an element's watched attribute changed: search it. */
  added?(node: Node): void;
  /** What `node` holds changed: its text, its children, or one of its watched attributes. */
  changed?(node: Node): void;
  /** A watched attribute of `el` changed (`el` may have left the page since). */
  attribute?(el: Element): void;
  /** A node left the page: the page's own, or one of our buttons the page removed. */
  removed?(node: Node): void;
}

export interface PageObserver {
  /** Reports changes to `changes` until `signal` aborts; `attributes` joins the watched ones. */
  subscribe(changes: Changes, signal: AbortSignal, attributes?: readonly string[]): void;
  /** Removes one of our buttons without it counting as the page removing it. */
  removeButton(host: Element): void;
  /** Observes a component's shadow root as well (its changes are not the document's). */
  observeRoot(root: ShadowRoot): void;
}

/** Attributes that opt a subtree in or out (see containers.ts EXCLUDED). */
const EXCLUSION_ATTRIBUTES = ['hidden', 'aria-hidden', 'contenteditable', 'data-c2c-ignore'];
/** How often a page may remove one of our buttons before we stop putting it back there. */
const MAX_REINSERTS = 3;

/**
 * `afterBatch` runs after each batch of records has been reported (to schedule the work the
 * features queued). The observer starts with the first subscription and stops when `signal` aborts.
 * `shadowRoots` are the components' roots observed so far (observed again when the options change).
 */
export function createObserver(
  doc: Document,
  win: Window & typeof globalThis,
  signal: AbortSignal,
  afterBatch: () => void,
  shadowRoots: () => Iterable<ShadowRoot> = () => [],
): PageObserver {
  const listeners = new Set<Changes>();
  const attributeFilter = new Set(EXCLUSION_ATTRIBUTES);
  const removedByUs = new WeakSet<Node>();
  const reinserts = new WeakMap<Node, number>();

  const each = (report: (c: Changes) => void) => listeners.forEach(report);

  function onRecords(records: MutationRecord[]) {
    for (const rec of records) {
      if (rec.type === 'characterData') {
        each((c) => c.changed?.(rec.target));
        continue;
      }
      if (rec.type === 'attributes') {
        const el = rec.target as Element;
        if (isHost(el)) continue;
        each((c) => {
          c.added?.(el);
          if (el.parentNode) c.changed?.(el);
          c.attribute?.(el);
        });
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
        each((c) => c.added?.(node));
      }
      for (const node of Array.from(rec.removedNodes)) {
        if (isHost(node)) {
          if (removedByUs.has(node)) continue;
          // The page removed one of our buttons (a re-render): put it back, but don't fight forever.
          const count = (reinserts.get(rec.target) ?? 0) + 1;
          reinserts.set(rec.target, count);
          if (count > MAX_REINSERTS) continue;
        }
        relevant = true;
        each((c) => c.removed?.(node));
      }
      if (relevant) each((c) => c.changed?.(rec.target));
    }
    afterBatch();
  }

  const observer = new win.MutationObserver(onRecords);
  let observing = false;
  /** The options in force (built when the watched attributes change, shared by every root). */
  let options: MutationObserverInit = {};
  function observe() {
    if (observing) {
      // Observing again should replace the options (the spec says so; happy-dom keeps the old
      // ones): start afresh, keeping what was already recorded.
      const pending = observer.takeRecords();
      observer.disconnect();
      if (pending.length) queueMicrotask(() => signal.aborted || onRecords(pending));
    }
    observing = true;
    options = {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: [...attributeFilter],
    };
    observer.observe(doc, options);
    for (const root of shadowRoots()) observer.observe(root, options);
  }
  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      listeners.clear();
    },
    { once: true },
  );

  return {
    subscribe(changes, featureSignal, attributes = []) {
      if (signal.aborted || featureSignal.aborted) return;
      listeners.add(changes);
      featureSignal.addEventListener('abort', () => listeners.delete(changes), { once: true });
      const before = attributeFilter.size;
      for (const name of attributes) attributeFilter.add(name);
      // A new attribute to watch: observe again with it (no record is lost).
      if (!observing || attributeFilter.size !== before) observe();
    },
    removeButton(host) {
      removedByUs.add(host);
      host.remove();
    },
    observeRoot(root) {
      // Not observing yet: the first observe() takes it from `shadowRoots`.
      if (observing && !signal.aborted) observer.observe(root, options);
    },
  };
}
