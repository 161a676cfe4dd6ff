// The open shadow roots of the page's web components (Salesforce LWC in native shadow, Lit, Stencil,
// …): their numbers are in trees the document's walk and observer do not reach. The page's walk
// reports each root it passes (subtreeWalk.ts); this keeps the ones we follow, and watches custom
// elements not yet defined, whose root comes when the page defines them (no mutation says so).
import { HOST_TAG } from './callButton';

export interface ShadowRoots {
  /** Follows `root`; false when it was already followed. */
  add(root: ShadowRoot): boolean;
  /** The followed roots the page still holds (some may be out of the document for now). */
  all(): ShadowRoot[];
  /**
   * Elements matching `selector` (our buttons by default) in `root` and in the open roots inside it
   * at any depth (in the whole document: the followed ones).
   */
  queryAll(root: ParentNode, selector?: string): Element[];
  /** `el` is a custom element not yet defined: its root is reported to `found` once it has one. */
  watchUpgrade(el: Element): void;
}

/** Checks of custom elements waiting to be defined: the first after this, then twice as long. */
const FIRST_CHECK_MS = 100;
const MAX_CHECK_MS = 5000;
/** Undefined custom elements watched at once (a page full of them: the rest are not). */
const MAX_WATCHED = 2000;

/** The open shadow roots inside `root` (its own included), at any depth. */
function openRootsIn(root: Element | ShadowRoot): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  const visit = (from: Element | ShadowRoot) => {
    const walker = from.ownerDocument.createTreeWalker(from, 1 /* SHOW_ELEMENT */);
    for (let n: Node | null = walker.currentNode; n; n = walker.nextNode()) {
      const shadow = n.nodeType === 1 ? (n as Element).shadowRoot : null;
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

/** The element hosting the shadow root `el` is a top-level child of, if it is one. */
export function hostOf(el: Element): Element | null {
  const parent = el.parentNode;
  return parent?.nodeType === 11 ? ((parent as ShadowRoot).host ?? null) : null;
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
 * `found` hears about a watched element's root once it has one; checks run on `win`'s timers until
 * `signal` aborts.
 */
export function createShadowRoots(
  win: Window & typeof globalThis,
  signal: AbortSignal,
  found: (root: ShadowRoot) => void,
): ShadowRoots {
  // Weak: a component the page removed takes its root with it.
  let roots: WeakRef<ShadowRoot>[] = [];
  const followed = new WeakSet<ShadowRoot>();
  let waiting: WeakRef<Element>[] = [];
  const waitingSet = new WeakSet<Element>();
  let timer: number | undefined;
  let delay = FIRST_CHECK_MS;

  function all(): ShadowRoot[] {
    const out: ShadowRoot[] = [];
    roots = roots.filter((ref) => {
      const root = ref.deref();
      if (root) out.push(root);
      return root !== undefined;
    });
    return out;
  }

  function check() {
    timer = undefined;
    const still: WeakRef<Element>[] = [];
    for (const ref of waiting) {
      const el = ref.deref();
      if (!el?.isConnected) continue;
      if (el.shadowRoot) found(el.shadowRoot);
      // Defined without an open root: there is nothing of it to follow.
      else if (!el.matches(':defined')) {
        still.push(ref);
        continue;
      }
      waitingSet.delete(el);
    }
    waiting = still;
    delay = Math.min(delay * 2, MAX_CHECK_MS);
    schedule();
  }
  function schedule() {
    if (timer === undefined && waiting.length && !signal.aborted)
      timer = win.setTimeout(check, delay);
  }
  signal.addEventListener('abort', () => win.clearTimeout(timer), { once: true });

  return {
    add(root) {
      if (followed.has(root)) return false;
      followed.add(root);
      roots.push(new WeakRef(root));
      return true;
    },
    all,
    queryAll(root, selector = HOST_TAG) {
      const out = Array.from(root.querySelectorAll(selector));
      // None followed (a page without components): nothing more to look at. The document: every
      // followed root. A subtree: the open roots in it, found by walking it down (checking each
      // followed root's ancestry instead cost every excluded subtree the walk passes, say each
      // icon's `<svg>`, a loop over all the page's components).
      if (!roots.length) return out;
      for (const shadow of root.nodeType === 9 ? all() : openRootsIn(root as Element | ShadowRoot))
        out.push(...Array.from(shadow.querySelectorAll(selector)));
      return out;
    },
    watchUpgrade(el) {
      if (waitingSet.has(el) || waiting.length >= MAX_WATCHED) return;
      waitingSet.add(el);
      waiting.push(new WeakRef(el));
      // Newly watched: look again soon (a definition usually comes with the page's scripts).
      delay = FIRST_CHECK_MS;
      if (timer !== undefined) {
        win.clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
  };
}
