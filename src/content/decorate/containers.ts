// Maps page text to "containers" (nearest block-level ancestor) and finds the numbers in each.
import { findPhoneNumbers, type PhoneTarget } from '../../detect/findPhoneNumbers';
import { isPhoneHref, phoneFromHref } from '../../detect/phoneFromHref';
import { targetToUri } from '../../contract/target';
import { HOST_TAG, isHost } from './callButton';
import { parentOrHost, shadowRootOf } from '../tree';

/** Our own UI's elements: custom-element names the page never defines. */
const OWN_TAGS = new Set(['c2c-call-bar', HOST_TAG]);
export const isOwnElement = (el: Element): boolean => OWN_TAGS.has(el.localName);

/** Subtrees we never decorate: form fields, code, editors, hidden content, opted-out, our own UI. */
const EXCLUDED_TAG_LIST = [
  'script',
  'style',
  'noscript',
  'template',
  'input',
  'textarea',
  'select',
  'option',
  'code',
  'pre',
  'kbd',
  'samp',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  ...OWN_TAGS,
];
export const EXCLUDED =
  EXCLUDED_TAG_LIST.join(', ') +
  ', [contenteditable]:not([contenteditable="false"]), [hidden], ' +
  '[aria-hidden="true"], [data-c2c-ignore], .c2c-ignore, [data-c2c-ui]';
const EXCLUDED_TAGS = new Set(EXCLUDED_TAG_LIST);

/**
 * `el.matches(EXCLUDED)`, without the selector match for the common element that has no
 * attributes and an ordinary tag (everything but the tags is an attribute or class test).
 */
export function matchesExcluded(el: Element): boolean {
  if (!el.hasAttributes() && !EXCLUDED_TAGS.has(el.localName)) return false;
  return el.matches(EXCLUDED);
}

/** Elements whose text runs into their parent's: a number may be split across them. */
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'button',
  'cite',
  'data',
  'dfn',
  'em',
  'font',
  'i',
  'label',
  'mark',
  'nobr',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  // A line-break opportunity inside long text (`+1 415-555-<wbr>2671`): not the end of a number.
  'wbr',
]);
const INTERACTIVE = new Set(['a', 'button', 'label', 'summary']);

export function isInline(el: Element): boolean {
  // Custom elements (lightning-*, lyte-*, …) count as blocks: frameworks use them for cells and
  // rows, and treating them as inline would merge a whole grid into one text.
  return INLINE.has(el.localName);
}

function isInteractive(el: Element): boolean {
  if (INTERACTIVE.has(el.localName)) return true;
  const role = el.getAttribute('role');
  return role === 'button' || role === 'link';
}

/**
 * The container of a node: its nearest ancestor (or itself) that is not an inline element, across
 * the shadow roots of the page's components (a root's container is its host's).
 */
export function containerOf(node: Node): Element | null {
  let el: Element | null =
    node.nodeType === 1
      ? (node as Element)
      : node.nodeType === 11
        ? ((node as ShadowRoot).host ?? null)
        : parentOrHost(node);
  while (el && isInline(el)) {
    const up = parentOrHost(el);
    if (!up) break;
    el = up;
  }
  return el;
}

export function isExcluded(el: Element): boolean {
  return el.closest(EXCLUDED) !== null;
}

/** Marks a block edge, `<br>` or skipped element in a container's text: no number spans it. */
const BOUNDARY = '\u2029';

export interface Wanted {
  anchor: Node;
  target: PhoneTarget;
  formatted: string;
}

interface Segment {
  node: Text;
  start: number;
}

/**
 * Reads a container's inline text (numbers may span its inline children), the call links in it
 * and our existing buttons, and returns the buttons it should have, in document order.
 */
export function scanContainer(
  container: Element,
  country: string,
  existing: HTMLElement[],
): Wanted[] {
  let text = '';
  const segments: Segment[] = [];
  const wanted: { at: number; want: Wanted }[] = [];

  const walk = (parent: Node) => {
    for (let child = parent.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const data = (child as Text).data;
        if (data.length) {
          segments.push({ node: child as Text, start: text.length });
          text += data;
        }
        continue;
      }
      if (child.nodeType !== 1) continue;
      const el = child as Element;
      if (isHost(el)) {
        existing.push(el);
        continue;
      }
      if (el.localName === 'br' || !isInline(el) || matchesExcluded(el)) {
        text += BOUNDARY;
        continue;
      }
      if (el.localName === 'a' && isPhoneHref(el.getAttribute('href') ?? '')) {
        const phone = phoneFromHref(el.getAttribute('href')!, country);
        if (phone) {
          wanted.push({
            at: text.length,
            want: { anchor: outerInteractive(el, container), ...phone },
          });
        }
        // The link's own text is the same number: don't find it twice.
        text += BOUNDARY;
        continue;
      }
      walk(el);
      // An inline component's text is in its root (rendered where it stands).
      const inner = shadowRootOf(el);
      if (inner) walk(inner);
    }
  };
  walk(container);
  // A component's own text, in its root: apart from its light children (those show through slots).
  const own = shadowRootOf(container);
  if (own) {
    text += BOUNDARY;
    walk(own);
  }

  if (text.length >= 7) {
    for (const match of findPhoneNumbers(text, country)) {
      const segment = segmentAt(segments, match.end - 1);
      if (!segment) continue;
      wanted.push({
        at: match.end,
        want: {
          anchor: outerInteractive(segment.node, container),
          target: match.target,
          formatted: match.formatted,
        },
      });
    }
  }
  wanted.sort((a, b) => a.at - b.at);
  return wanted.map((w) => w.want);
}

/**
 * Whether the page still writes, at `anchor`, the number a phone button was made for with `uri`:
 * its container, read again, wants that button there. An element anchor (a call link, or a button
 * wrapping the number) must also not show another number than the one dialled: a link's text is
 * not read for numbers, only its href, and the page could rewrite the one and keep the other.
 */
export function stillWritten(anchor: Node, uri: string, country: string): boolean {
  const container = containerOf(anchor);
  if (!container) return false;
  if (
    !scanContainer(container, country, []).some(
      (w) => w.anchor === anchor && targetToUri(w.target) === uri,
    )
  )
    return false;
  if (anchor.nodeType !== 1) return true;
  const shown = findPhoneNumbers(anchor.textContent ?? '', country);
  return !shown.length || shown.some((m) => targetToUri(m.target) === uri);
}

function segmentAt(segments: Segment[], offset: number): Segment | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.start + s.node.data.length) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Buttons must not sit inside links or buttons: insert after the outermost one instead. */
function outerInteractive(node: Node, container: Element): Node {
  let anchor = node;
  for (let el = node.parentElement; el && el !== container; el = el.parentElement) {
    if (isInteractive(el)) anchor = el;
  }
  return anchor;
}
