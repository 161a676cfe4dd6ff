// Frames: the content script runs in every frame of a CRM page, and decorates a frame only when
// every document from it up to the top is of the same origin (a CRM's own frames: Dynamics web
// resources, SugarCRM's classic views). Then each parent document can be read, and a click on our
// button inside the frame counts only if each parent shows the frame, unhidden, at its own size and
// on top where the click is: a page cannot make the frame see-through over a decoy, scale it, or
// cover it (docs/security.md). A frame under another origin (a Visualforce page inside Salesforce,
// or a CRM page inside someone else's page) is left alone: its parents cannot be read, so nothing
// tells us what the agent sees there.
import { parentOrHost } from './tree';

/** What we read of a window (the content script's own, or a parent's). */
export interface FrameView {
  readonly top: unknown;
  readonly frameElement: Element | null;
  getComputedStyle(element: Element): { paddingLeft: string; paddingTop: string };
}

/**
 * The frame elements from this window's up to the top document's (empty in the top frame), or
 * null when a parent cannot be read (another origin, or a frame without an element of its own).
 */
export function frameChain(view: FrameView): Element[] | null {
  const chain: Element[] = [];
  let at = view;
  // A chain of frames is short; the bound only guards against a window that is its own parent.
  for (let depth = 0; at.top !== at; depth++) {
    if (depth > 32) return null;
    let element: Element | null;
    try {
      element = at.frameElement;
    } catch {
      return null;
    }
    const parent = element?.ownerDocument?.defaultView as unknown as FrameView | null | undefined;
    if (!element || !parent) return null;
    chain.push(element);
    at = parent;
  }
  return chain;
}

/**
 * Whether this frame is one we decorate: the top frame, or one whose parents are all readable and
 * have not opted it out. A frame's content counts as part of its parent's page: a parent opted out
 * as a whole (`<meta name="click-to-call" content="off">`), or a frame element inside a part the
 * decorator would not search there (`excluded`: `data-c2c-ignore`, an editor, `hidden` …), leaves
 * the frame alone. Read once, when the frame's script starts.
 */
export function decoratesFrame(view: FrameView, excluded: string): boolean {
  const chain = frameChain(view);
  if (!chain) return false;
  for (const element of chain) {
    if (element.ownerDocument.querySelector('meta[name="click-to-call"][content="off"]'))
      return false;
    for (let at = parentOrHost(element); at; at = parentOrHost(at))
      if (at.matches(excluded)) return false;
  }
  return true;
}

/** The top document's title, for a frame's call record (the agent sees the top page). */
export function topTitle(view: FrameView & { document: Document }): string {
  const chain = frameChain(view);
  const top = chain?.at(-1)?.ownerDocument ?? view.document;
  return top.title;
}

/** Where a frame's content starts in its parent's viewport: its box, past border and padding. */
function contentOrigin(element: Element): { x: number; y: number } {
  const box = element.getBoundingClientRect();
  const style = (element.ownerDocument.defaultView as unknown as FrameView).getComputedStyle(
    element,
  );
  return {
    x: box.left + element.clientLeft + (parseFloat(style.paddingLeft) || 0),
    y: box.top + element.clientTop + (parseFloat(style.paddingTop) || 0),
  };
}

/**
 * Where the viewport of the frame `chain` leads up from sits in the top document's (0, 0 for the
 * top frame's empty chain). Part of a control's box: a parent moving the frame moves the control.
 */
export function offsetInTop(chain: readonly Element[]): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (const element of chain) {
    const origin = contentOrigin(element);
    x += origin.x;
    y += origin.y;
  }
  return { x, y };
}

const VISIBLE = { opacityProperty: true, visibilityProperty: true };

/**
 * Whether every parent shows this frame to the agent where a click at (`x`, `y`) in the frame's
 * viewport lands: each frame element visible by CSS (no opacity 0 or hidden visibility on it or an
 * ancestor), at its own size (no transform or zoom on it or an ancestor), and, for a pointer
 * click, the element on top at that point in its parent. `keyboard`: a key press on the focused
 * control, which has no point.
 */
export function framesShow(
  chain: readonly Element[],
  x: number,
  y: number,
  keyboard: boolean,
): boolean {
  let px = x;
  let py = y;
  for (const element of chain) {
    if (!element.checkVisibility(VISIBLE)) return false;
    const box = element.getBoundingClientRect();
    const frame = element as HTMLElement;
    if (
      Math.abs(box.width - frame.offsetWidth) >= 1 ||
      Math.abs(box.height - frame.offsetHeight) >= 1
    )
      return false;
    const origin = contentOrigin(element);
    px += origin.x;
    py += origin.y;
    if (keyboard) continue;
    const outer = element.getRootNode() as Document | ShadowRoot;
    if (outer.elementFromPoint?.(px, py) !== element) return false;
  }
  return true;
}
