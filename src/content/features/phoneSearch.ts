// Where phone numbers may be: walks added or changed subtrees for the containers worth scanning.
import { mayContainPhoneRun } from '../../detect/findPhoneNumbers';
import { containerOf, isInline } from '../decorate/containers';

const PHONE_LINKS =
  'a[href^="tel:" i], a[href^="callto:" i], a[href^="sip:" i], a[href^="sips:" i]';
const HAS_DIGIT = /[0-9\uff10-\uff19]/;

/** A subtree still to be searched; the walker keeps the place when a search is cut short. */
export interface SearchJob {
  root: Node;
  walker?: TreeWalker;
  /** The first pass over the page (rather than a change). */
  initial?: boolean;
}

export interface SearchContext {
  doc: Document;
  now(): number;
  isExcluded(el: Element): boolean;
  /** A searched root turned out to be excluded: its buttons go. */
  excluded(el: Element): void;
}

/**
 * Adds to `found` the containers of `job.root` whose text may hold a number, and those with call
 * links. Returns false when `deadline` passed (or `enough` were found) before the end.
 */
export function searchRoot(
  ctx: SearchContext,
  job: SearchJob,
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
    if (el && ctx.isExcluded(el)) {
      ctx.excluded(el);
      return true;
    }
    if (el) {
      const c = containerOf(el);
      if (c && c !== el) found.add(c);
    }
    job.walker = ctx.doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
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
    if ((++n & 255) === 0 && ctx.now() > deadline) return false;
  }
  for (const link of Array.from((root as ParentNode).querySelectorAll(PHONE_LINKS))) {
    const c = containerOf(link);
    if (c) found.add(c);
  }
  return true;
}
