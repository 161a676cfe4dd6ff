// The shadow roots of the page's web components (Salesforce LWC in native shadow, Lit, Stencil, …;
// open ones, and custom elements' closed ones: tree.ts): their numbers are in trees the document's walk and observer do not reach. The page's walk
// reports each root it passes (subtreeWalk.ts); this keeps the ones we follow, and watches custom
// elements not yet defined, whose root comes when the page defines them (no mutation says so).
import { shadowRootOf } from '../tree';
import { HOST_TAG } from './callButton';

export interface ShadowRoots {
  /** Follows `root`; false when it was already followed. */
  add(root: ShadowRoot): boolean;
  /** The followed roots the page still holds (some may be out of the document for now). */
  all(): ShadowRoot[];
  /**
   * Elements matching `selector` (our buttons by default) in `root` and in the roots inside it
   * at any depth (in the whole document: the followed ones).
   */
  queryAll(root: ParentNode, selector?: string): Element[];
  /**
   * `el` is a custom element not yet defined: once its tag is, the roots of the page's elements of
   * that tag are reported to `found`.
   */
  watchUpgrade(el: Element): void;
}

/** Checks of custom elements waiting to be defined: the first after this, then twice as long. */
const FIRST_CHECK_MS = 100;
const MAX_CHECK_MS = 5000;
/** The followed roots' list is pruned when it reaches this length, then twice what is left. */
const PRUNE_MIN = 1024;

/** The shadow roots inside `root` (its own included), at any depth. */
function openRootsIn(root: Element | ShadowRoot): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  const visit = (from: Element | ShadowRoot) => {
    const walker = from.ownerDocument.createTreeWalker(from, 1 /* SHOW_ELEMENT */);
    for (let n: Node | null = walker.currentNode; n; n = walker.nextNode()) {
      const shadow = n.nodeType === 1 ? shadowRootOf(n as Element) : null;
      if (shadow) {
        out.push(shadow);
        visit(shadow);
      }
    }
  };
  visit(root);
  return out;
}

/** Whether `node` is `ancestor` or inside it, across shadow roots. */
export function shadowIncludingContains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode ?? (n as ShadowRoot).host ?? null) {
    if (n === ancestor) return true;
  }
  return false;
}

/** The nearest inclusive ancestor of `el` matching `selector`, across shadow roots. */
export function closestAcross(el: Element, selector: string): Element | null {
  for (let n: Element | null = el; n;) {
    const found = n.closest(selector);
    if (found) return found;
    const root = n.getRootNode();
    n = root.nodeType === 11 ? ((root as ShadowRoot).host ?? null) : null;
  }
  return null;
}

/**
 * `found` hears about the roots of watched custom elements once they are defined; checks run on
 * `win`'s timers until `signal` aborts.
 */
export function createShadowRoots(
  win: Window & typeof globalThis,
  signal: AbortSignal,
  found: (root: ShadowRoot) => void,
): ShadowRoots {
  // Weak: a component the page removed takes its root with it.
  let roots: WeakRef<ShadowRoot>[] = [];
  const followed = new WeakSet<ShadowRoot>();
  /** When the list is this long, the roots out of the document are dropped from it. */
  let pruneAt = PRUNE_MIN;
  // Custom elements waiting to be defined, by tag: one element of each (a definition upgrades every
  // element of its tag at once, so a list of 10,000 waits as one entry, and all of it is found).
  const waiting = new Map<string, WeakRef<Element>>();
  let timer: number | undefined;
  let delay = FIRST_CHECK_MS;

  function queryAll(root: ParentNode, selector = HOST_TAG): Element[] {
    const out = Array.from(root.querySelectorAll(selector));
    // None followed (a page without components): nothing more to look at. The document: every
    // followed root. A subtree: the open roots in it, found by walking it down (checking each
    // followed root's ancestry instead cost every excluded subtree the walk passes, say each
    // icon's `<svg>`, a loop over all the page's components).
    if (!roots.length) return out;
    for (const shadow of root.nodeType === 9 ? all() : openRootsIn(root as Element | ShadowRoot))
      out.push(...Array.from(shadow.querySelectorAll(selector)));
    return out;
  }

  function all(): ShadowRoot[] {
    const out: ShadowRoot[] = [];
    roots = roots.filter((ref) => {
      const root = ref.deref();
      if (root) out.push(root);
      return root !== undefined;
    });
    return out;
  }

  // A long-lived app makes and drops components all day: their references would pile up until the
  // next full search. A root out of the document is forgotten (followed again if it comes back).
  function prune() {
    roots = roots.filter((ref) => {
      const root = ref.deref();
      if (root?.host.isConnected) return true;
      if (root) followed.delete(root);
      return false;
    });
    pruneAt = Math.max(PRUNE_MIN, roots.length * 2);
  }

  /** An element of `tag` in the page, the one we hold if it still is in it. */
  function sampleOf(tag: string): Element | undefined {
    const held = waiting.get(tag)?.deref();
    if (held?.isConnected) return held;
    const found = queryAll(win.document, win.CSS.escape(tag))[0];
    if (found) waiting.set(tag, new WeakRef(found));
    return found;
  }

  function check() {
    timer = undefined;
    for (const tag of [...waiting.keys()]) {
      const sample = sampleOf(tag);
      // Upgraded (a root is there), or defined without one.
      if (sample && !shadowRootOf(sample) && !sample.matches(':defined')) continue;
      waiting.delete(tag);
      // Defined (or gone): the roots of its elements, those that have one.
      if (sample)
        for (const el of queryAll(win.document, win.CSS.escape(tag))) {
          const root = shadowRootOf(el);
          if (root) found(root);
        }
    }
    delay = Math.min(delay * 2, MAX_CHECK_MS);
    schedule();
  }
  function schedule() {
    if (timer === undefined && waiting.size && !signal.aborted)
      timer = win.setTimeout(check, delay);
  }
  signal.addEventListener('abort', () => win.clearTimeout(timer), { once: true });

  return {
    add(root) {
      if (followed.has(root)) return false;
      if (roots.length >= pruneAt) prune();
      followed.add(root);
      roots.push(new WeakRef(root));
      return true;
    },
    all,
    queryAll,
    watchUpgrade(el) {
      if (waiting.has(el.localName)) return;
      waiting.set(el.localName, new WeakRef(el));
      // Newly watched: look again soon (a definition usually comes with the page's scripts).
      delay = FIRST_CHECK_MS;
      win.clearTimeout(timer);
      timer = undefined;
      schedule();
    },
  };
}
