// Where phone numbers may be: takes, from the page's walk of added or changed subtrees, the
// containers worth scanning.
import { MIN_DIGITS, mayContainPhoneRun } from '../../detect/findPhoneNumbers';
import { HAS_DIGIT } from '../../detect/textChars';
import { containerOf, isInline } from '../decorate/containers';
import { parentOrHost } from '../tree';
import type { WalkInterest } from '../decorate/subtreeWalk';

const PHONE_LINKS =
  'a[href^="tel:" i], a[href^="callto:" i], a[href^="sip:" i], a[href^="sips:" i]';

/**
 * A number needs 7 digits in one text, or a digit in an inline piece of a split number, or a digit
 * at an edge where the text goes on in a sibling (adjacent text nodes, comments: mayContainPhoneRun).
 */
export function mayHoldNumber(node: Text, parent: Element): boolean {
  if (isInline(parent)) return HAS_DIGIT.test(node.data);
  const openStart = node.previousSibling !== null;
  const openEnd = node.nextSibling !== null;
  // A whole text under 7 characters cannot hold 7 digits (each is one UTF-16 unit): its length is
  // read without copying its text out of the DOM.
  if (!openStart && !openEnd && node.length < MIN_DIGITS) return false;
  return mayContainPhoneRun(node.data, openStart, openEnd);
}

export interface PhoneSearch extends WalkInterest {
  /** How many containers were found since the last `take`. */
  readonly size: number;
  /** The containers found since the last call, and whether any came from the page's first pass. */
  take(): { found: Set<Element>; initial: boolean };
}

/**
 * Collects the containers whose text may hold a number, and those with call links; `excluded`
 * hears about walked subtrees that lie in an excluded one (their buttons go).
 */
export function createPhoneSearch(excluded: (el: Element) => void): PhoneSearch {
  let found = new Set<Element>();
  let initial = false;
  return {
    get size() {
      return found.size;
    },
    take() {
      const taken = { found, initial };
      found = new Set();
      initial = false;
      return taken;
    },
    root(node, first) {
      initial ||= first;
      // A component's root: its texts, walked next, say whether its host holds a number.
      if (node.nodeType === 11) return;
      const c = containerOf(node);
      // A text root is searched whole; an element's own container when the element is inline.
      if (c && (node.nodeType === 3 || c !== node)) found.add(c);
    },
    text(node, first) {
      initial ||= first;
      const parent = parentOrHost(node);
      if (parent && mayHoldNumber(node, parent)) found.add(containerOf(node) ?? parent);
    },
    selector: PHONE_LINKS,
    element(link, first) {
      initial ||= first;
      const c = containerOf(link);
      if (c) found.add(c);
    },
    excluded,
  };
}
