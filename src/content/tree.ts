// The page's tree as the agent sees it, across web components' shadow roots: climbing out of one,
// and reading a component's root, closed ones included. A leaf, for the decorator and the click
// guard's frame check alike.

/**
 * The element whose content `node` is: its parent, or the host of the web component's shadow root
 * it sits at the top of (a component's text, `<x-phone>` rendering "(415) 555-2671" in its root).
 */
export function parentOrHost(node: Node): Element | null {
  const parent = node.parentNode;
  if (parent?.nodeType === 1) return parent as Element;
  return parent?.nodeType === 11 ? ((parent as ShadowRoot).host ?? null) : null;
}

interface ClosedRootApi {
  dom?: { openOrClosedShadowRoot?(element: HTMLElement): ShadowRoot | null };
}
type ReadRoot = (el: Element) => ShadowRoot | null;
/** How this browser lets an extension read a closed shadow root; undefined until first asked. */
let readClosed: ReadRoot | null | undefined;

function closedReader(): ReadRoot | null {
  if (readClosed !== undefined) return readClosed;
  // Chromium: chrome.dom (content scripts, no permission). Firefox: a property of elements that
  // only extensions see.
  const dom = (globalThis as { chrome?: ClosedRootApi }).chrome?.dom;
  const open = dom?.openOrClosedShadowRoot;
  if (typeof open === 'function') readClosed = (el) => open.call(dom, el as HTMLElement) ?? null;
  else if (typeof Element === 'function' && 'openOrClosedShadowRoot' in Element.prototype)
    readClosed = (el) =>
      (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ??
      null;
  else readClosed = null;
  return readClosed;
}

/**
 * Per custom element name, whether its elements have a closed root, as the first defined one
 * asked said: a component class attaches its root the same way for each of its elements. The
 * browser is then asked again only for names that have them. On a page of rootless custom
 * elements (Lightning in synthetic shadow: every element a `c-…` or `lightning-…` one), asking for
 * each cost about 2 µs an element (+80–100 ms over 50,000 of them, headless Chromium).
 */
const closedByName = new Map<string, boolean>();

/** Test hook: forget the reader found and what was learned by name, so the next call looks again. */
export function resetClosedRootReader(): void {
  readClosed = undefined;
  closedByName.clear();
}

const XHTML = 'http://www.w3.org/1999/xhtml';

/**
 * A web component's shadow root: an open one, or for a custom element a closed one, which the
 * browser lets an extension read (a component library's choice of mode does not decide whether
 * the agent can call the number it shows). Built-in elements' closed roots are not looked for:
 * asking the browser for every element of a page would cost more than they are found; a custom
 * element's name is asked about until one of its defined elements says (`closedByName`). Our own
 * elements (`c2c-…`) are never entered.
 */
export function shadowRootOf(el: Element): ShadowRoot | null {
  const open = el.shadowRoot;
  if (open) return open;
  const name = el.localName;
  const known = closedByName.get(name);
  if (known === false) return null;
  if (known === undefined && !mayHaveClosed(el, name)) {
    closedByName.set(name, false);
    return null;
  }
  const read = closedReader();
  if (!read) return null;
  let root: ShadowRoot | null = null;
  try {
    root = read(el);
  } catch {
    root = null;
  }
  // An element not defined yet has no root to tell (it gets one when defined: shadowRoots.ts).
  if (known === undefined && (root || el.matches(':defined'))) closedByName.set(name, !!root);
  return root;
}

/** Whether elements of this name are worth asking about: custom elements, not ours, in HTML. */
function mayHaveClosed(el: Element, name: string): boolean {
  return name.includes('-') && !name.startsWith('c2c-') && el.namespaceURI === XHTML;
}
