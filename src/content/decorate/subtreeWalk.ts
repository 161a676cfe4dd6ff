// The one walk of each added subtree: every feature says what it wants (text nodes, elements that
// match a selector) and gets it from a single pass over the text and one query for all selectors,
// instead of each feature searching the subtree again.
import { shadowRootOf } from '../tree';
import { isOwnElement } from './containers';

/** What a feature takes from the walk; every part is optional. */
export interface WalkInterest {
  /** A subtree is about to be walked (a text node itself, or an element, document or fragment). */
  root?(node: Node, first: boolean): void;
  /** Each text node under a walked subtree (not a text node that is itself the root). */
  text?(node: Text, first: boolean): void;
  /** Elements matching `selector` (the root included) go to `element`, after the root's text. */
  selector?: string;
  element?(el: Element, first: boolean): void;
  /** A subtree to walk lies in one we never decorate: it is not walked. */
  excluded?(el: Element): void;
}

interface Job {
  root: Node;
  /** The first pass over the page (rather than a change). */
  first: boolean;
  walker?: TreeWalker;
}

export interface SubtreeWalk {
  /** `interest` hears about every subtree walked from now until `signal` aborts. */
  subscribe(interest: WalkInterest, signal: AbortSignal): void;
  /** Queues a subtree (added to the page, or the whole page on the first pass). */
  add(root: Node, first?: boolean): void;
  /** Walks until `deadline`, or until `enough()` says so; a cut-short walk resumes next time. */
  run(deadline: number, enough?: () => boolean): void;
  pending(): boolean;
  clear(): void;
}

/** What the walk tells about the page's web components it passes. */
export interface ShadowHosts {
  /** An element of the walked subtree (or its root) hosts a shadow root (tree.ts, shadowRootOf). */
  root(root: ShadowRoot, first: boolean): void;
  /** A custom element not defined yet (its shadow root, if any, comes when it is). */
  undefinedElement(el: Element): void;
}

/** Reports `el`'s shadow root, or that it is a custom element still to be defined. */
function lookForShadow(el: Element, first: boolean, shadows: ShadowHosts) {
  const root = shadowRootOf(el);
  if (root) shadows.root(root, first);
  else if (el.localName.includes('-') && !isOwnElement(el) && !el.matches(':defined'))
    shadows.undefinedElement(el);
}

/**
 * With `shadows`, the walk also passes the subtree's elements, to report the web components in it
 * (a shadow root's content is not in the tree the walker follows).
 */
export function createSubtreeWalk(
  doc: Document,
  now: () => number,
  isExcluded: (el: Element) => boolean,
  shadows?: ShadowHosts,
): SubtreeWalk {
  const show = shadows ? 5 /* NodeFilter.SHOW_ELEMENT | SHOW_TEXT */ : 4; /* SHOW_TEXT */
  const interests = new Set<WalkInterest>();
  // Copies of the interests by what they want, rebuilt when one comes or goes.
  let texts: WalkInterest[] = [];
  let elements: WalkInterest[] = [];
  let roots: WalkInterest[] = [];
  /** Every element interest's selector in one, for one query per subtree. */
  let selector = '';
  const jobs: Job[] = [];

  function regroup() {
    const all = [...interests];
    texts = all.filter((i) => i.text);
    elements = all.filter((i) => i.selector && i.element);
    roots = all.filter((i) => i.root);
    selector = elements.map((i) => i.selector).join(', ');
  }

  function matchElement(el: Element, first: boolean, known = false) {
    // One interest: the combined query already said it matches.
    if (known && elements.length === 1) elements[0]!.element!(el, first);
    else for (const i of elements) if (el.matches(i.selector!)) i.element!(el, first);
  }

  /** The elements under a walked root: one native query for all interests, in document order. */
  function matchElementsIn(root: Node, first: boolean) {
    if (!selector) return;
    for (const el of Array.from((root as ParentNode).querySelectorAll(selector)))
      matchElement(el, first, true);
  }

  /** Starts a job; false when there is nothing to walk under its root. */
  function start(job: Job): boolean {
    const root = job.root;
    if (!root.isConnected) return false;
    const type = root.nodeType;
    if (type === 3) {
      for (const i of roots) i.root!(root, job.first);
      return false;
    }
    if (type !== 1 && type !== 9 && type !== 11) return false;
    if (type === 1) {
      const el = root as Element;
      if (isExcluded(el)) {
        for (const i of interests) i.excluded?.(el);
        return false;
      }
      for (const i of roots) i.root!(el, job.first);
      if (elements.length) matchElement(el, job.first);
      if (shadows) lookForShadow(el, job.first, shadows);
    } else {
      // A component's shadow root in a subtree we never decorate (its host's ancestors say so).
      const host = (root as ShadowRoot).host as Element | undefined;
      if (host && isExcluded(host)) return false;
      for (const i of roots) i.root!(root, job.first);
    }
    job.walker = doc.createTreeWalker(root, show);
    return true;
  }

  /** Walks `job` on; true when it reached the end. */
  function walk(job: Job, deadline: number, enough?: () => boolean): boolean {
    const walker = job.walker!;
    const { first } = job;
    let n = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === 1) lookForShadow(node as Element, first, shadows!);
      else {
        for (const i of texts) i.text!(node as Text, first);
        if (enough?.()) return false;
      }
      if ((++n & 255) === 0 && now() > deadline) return false;
    }
    matchElementsIn(job.root, first);
    return true;
  }

  return {
    subscribe(interest, signal) {
      if (signal.aborted) return;
      interests.add(interest);
      regroup();
      signal.addEventListener(
        'abort',
        () => {
          interests.delete(interest);
          regroup();
        },
        { once: true },
      );
    },
    add(root, first = false) {
      jobs.push({ root, first });
    },
    run(deadline, enough) {
      while (jobs.length && now() < deadline) {
        const job = jobs[0]!;
        if (!job.walker && !start(job)) {
          jobs.shift();
          continue;
        }
        if (!walk(job, deadline, enough)) return;
        jobs.shift();
        if (enough?.()) return;
      }
    },
    pending: () => jobs.length > 0,
    clear() {
      jobs.length = 0;
    },
  };
}
