// One check for every control of ours in a web page (call buttons, call-bar controls): act only on
// the agent's own click on our own control, visible and unoccluded for a moment, where it has been.
// The page owns the CSS and scripts around our elements, so each check covers one way a page can
// steer a click onto our control that the agent meant for something else (docs/security.md).

import {
  controlStates,
  type Box,
  type ControlOf,
  type StateOf,
  type Watched,
} from './controlStates';
import { frameChain, framesShow, offsetInTop } from './frames';
import { rootListeners } from './rootListeners';

export type { ControlOf } from './controlStates';

/** How long a control must have been reported visible and unoccluded before a click on it counts. */
export const MIN_VISIBLE_MS = 100;
/** A click this soon after the control moved or changed size is ignored (it may have been slid under the pointer). */
export const MIN_STABLE_MS = 120;
/** IntersectionObserver v2 reports visibility at most this often; the spec asks for ≥ 100 ms. */
const VISIBILITY_DELAY_MS = 100;

export interface ClickGuard {
  /**
   * Starts following a control in our shadow root `root`; for a control already followed, notes
   * where it is now. Listeners go on the root: only there does an event's composed path show what
   * inside a closed root was hit.
   */
  watch(control: Element, root: ShadowRoot): void;
  /** Stops following a control (it left the document). */
  unwatch(control: Element): void;
  /**
   * Whether a click event is the agent's own click on `control`, which sits in our shadow root `root`
   * hosted by `host`. Call it from a listener inside `root`. Cheap enough to run inside the click.
   */
  allows(event: Event, control: Element, root: ShadowRoot, host: Element): boolean;
  /** Removes the listeners and the observer. */
  stop(): void;
}

/** A control's box in the top document's viewport, from its box in its own frame's. */
type Place = (r: DOMRectReadOnly) => Box;
type BoxOf = (el: Element) => Box;

/**
 * In a frame, the frame elements up to the top (frames.ts; null when a parent cannot be read, and
 * then no click counts). Boxes are placed in the top document's viewport: a parent moving the frame
 * moves the control under the pointer as surely as the frame's own page moving it.
 */
function placement(view: Window & typeof globalThis): {
  chain: readonly Element[] | null;
  place: Place;
  boxOf: BoxOf;
} {
  const chain = frameChain(view);
  const place: Place = chain?.length
    ? (r) => {
        const { x, y } = offsetInTop(chain);
        return { x: r.left + x, y: r.top + y, w: r.width, h: r.height };
      }
    : (r) => ({ x: r.left, y: r.top, w: r.width, h: r.height });
  return { chain, place, boxOf: (el) => place(el.getBoundingClientRect()) };
}
const sameBox = (a: Box, b: Box) =>
  Math.abs(a.x - b.x) < 1 &&
  Math.abs(a.y - b.y) < 1 &&
  Math.abs(a.w - b.w) < 1 &&
  Math.abs(a.h - b.h) < 1;

/** Whether this browser reports occlusion (IntersectionObserver v2: Chromium; not Firefox yet). */
export function supportsVisibilityTracking(view: Window & typeof globalThis): boolean {
  return (
    typeof view.IntersectionObserver === 'function' &&
    typeof view.IntersectionObserverEntry === 'function' &&
    'isVisible' in view.IntersectionObserverEntry.prototype
  );
}

/** Notes the control's box; a change restarts its stable spell. */
function look(state: Watched, box: Box, at: number): void {
  // The first look is where it appeared (covered by the visibility check), not a move.
  if (state.box && !sameBox(state.box, box)) state.stableSince = at;
  state.box = box;
}

/** IntersectionObserver v2: keeps each watched control's visible (and unoccluded) spell. */
function visibilityTracker(
  view: Window & typeof globalThis,
  watched: WeakMap<Element, Watched>,
  place: Place,
): IntersectionObserver {
  return new view.IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const state = watched.get(entry.target);
        if (!state) continue;
        const visible =
          entry.isIntersecting &&
          (entry as IntersectionObserverEntry & { isVisible?: boolean }).isVisible === true;
        if (visible && !state.visible) state.visibleSince = entry.time;
        state.visible = visible;
        look(state, place(entry.boundingClientRect), entry.time);
      }
    },
    // `trackVisibility` and `delay` are IntersectionObserver v2 (not in the DOM typings yet).
    {
      threshold: [1],
      trackVisibility: true,
      delay: VISIBILITY_DELAY_MS,
    } as IntersectionObserverInit,
  );
}

/** Up to this many controls near the viewport have their visibility tracked all along. */
const NEAR_TRACKED = 40;

type Engage = (control: Element, state: Watched, bit: number, on: boolean) => void;

/**
 * Visibility (v2) is tracked for a control while it is engaged: near the viewport while few are
 * (bit 4), or the pointer over it (1) or the focus in it (2). Each tracked control costs the page an
 * occlusion hit test per report: on a long list, tracking every button near the viewport cost
 * frames of hundreds of ms, so there only the control the agent is on is tracked (a click needs the
 * pointer to arrive and rest, or the focus, anyway). Engaging starts a new visible spell, never an
 * older one, so this only ever asks for more than tracking all along would.
 */
function engagement(
  observer: IntersectionObserver | null,
  resizes: ResizeObserver | null,
  sizeFollowsEngagement: () => boolean,
): Engage {
  return (control, state, bit, on) => {
    const before = state.engaged;
    state.engaged = on ? before | bit : before & ~bit;
    if (!before === !state.engaged) return;
    state.visible = false;
    if (before) observer?.unobserve(control);
    else observer?.observe(control);
    if (!sizeFollowsEngagement()) return;
    if (before) resizes?.unobserve(control);
    else resizes?.observe(control);
  };
}

/** The pointer or focus arriving on or leaving a control (listeners on our shadow roots). */
function onAgent(stateOf: StateOf, engage: Engage): (event: Event) => void {
  return (event: Event) => {
    const { type } = event;
    const on = type.endsWith('over') || type.endsWith('in');
    for (const node of event.composedPath()) {
      const state = stateOf(node as Element);
      if (!state) continue;
      // Moving within the control changes nothing.
      const related = (event as FocusEvent).relatedTarget as Node | null;
      if (!on && related && (node as Element).contains(related)) return;
      engage(node as Element, state, type.startsWith('pointer') ? 1 : 2, on);
      return;
    }
  };
}

/** Notices a watched control moving or changing size, which restarts its stable spell. */
function movementTracker(
  view: Window & typeof globalThis,
  stateOf: StateOf,
  boxOf: BoxOf,
): { resizes: ResizeObserver | null; onPointer(event: Event): void } {
  // A control that changes size (a new label, a page's restyling) starts a new stable spell then,
  // not when the pointer next notices it.
  const resizes =
    typeof view.ResizeObserver === 'function'
      ? new view.ResizeObserver((entries) => {
          const at = view.performance.now();
          for (const entry of entries) {
            const state = stateOf(entry.target);
            if (state) look(state, boxOf(entry.target), at);
          }
        })
      : null;

  // The pointer arriving on or pressing a control is a moment to notice it moved (scrolling, or a
  // page sliding it under the pointer): the agent's click then comes after it has stood still.
  const onPointer = (event: Event) => {
    for (const node of event.composedPath()) {
      const state = stateOf(node as Element);
      if (state) {
        look(state, boxOf(node as Element), event.timeStamp);
        return;
      }
    }
  };
  return { resizes, onPointer };
}

/** Controls this near the viewport have their size tracked; the rest only wait to come near. */
const NEAR_MARGIN = '50% 0px';
/**
 * Once a page has had more of our controls than this, nearness is not followed at all: an
 * IntersectionObserver over thousands of buttons computes every one in each frame that changes
 * layout (a scroll, an append). Then only the control the pointer or focus is on is tracked, its
 * size too.
 */
const NEAR_FOLLOWED_MAX = 200;

/**
 * Size tracking (and, while few are near, visibility tracking) starts as a control nears the
 * viewport, before it can be seen (the margin); it stops once it is far again, and a far control
 * reads as not visible (it cannot be, or this observer would say it is near).
 */
function nearTracker(
  view: Window & typeof globalThis,
  watched: WeakMap<Element, Watched>,
  resizes: ResizeObserver | null,
  engage: Engage,
): { io: IntersectionObserver | null; forget(control: Element): void; release(): void } {
  if (typeof view.IntersectionObserver !== 'function')
    return { io: null, forget: () => undefined, release: () => undefined };
  const near = new Set<Element>();
  /** Whether the near controls are engaged (there are at most NEAR_TRACKED). */
  let tracked = false;
  /** Once per report (not per entry, so a scroll's leaves and arrivals do not flap it). */
  const settle = () => {
    const want = near.size <= NEAR_TRACKED;
    if (want || tracked) for (const c of near) engage(c, watched.get(c)!, 4, want);
    tracked = want;
  };
  const io = new view.IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const control = entry.target;
        const state = watched.get(control);
        if (!state) continue;
        if (entry.isIntersecting) {
          resizes?.observe(control);
          near.add(control);
        } else {
          resizes?.unobserve(control);
          near.delete(control);
          engage(control, state, 4, false);
          state.visible = false;
        }
      }
      settle();
    },
    { rootMargin: NEAR_MARGIN },
  );
  return {
    io,
    forget: (control) => {
      if (near.delete(control)) settle();
    },
    /** Stops following nearness: near controls keep only what the pointer or focus engages. */
    release: () => {
      io.disconnect();
      for (const control of near) {
        const state = watched.get(control);
        if (!state) continue;
        if (!(state.engaged & 3)) resizes?.unobserve(control);
        engage(control, state, 4, false);
      }
      near.clear();
    },
  };
}

export function createClickGuard(
  view: Window & typeof globalThis = window,
  signal?: AbortSignal,
  controlOf?: ControlOf,
): ClickGuard {
  /** Whether nearness is followed (until the page has had NEAR_FOLLOWED_MAX controls). */
  const observesNearness = typeof view.IntersectionObserver === 'function';
  let following = observesNearness;
  /** Once nearness is no longer followed, controls are followed lazily. */
  const lazily = () => observesNearness && !following;
  const states = controlStates(controlOf, lazily);
  const { watched, unseen, all, fresh, stateOf } = states;
  const tracking = supportsVisibilityTracking(view);
  const { chain, place, boxOf } = placement(view);
  const observer = tracking ? visibilityTracker(view, watched, place) : null;
  const { resizes, onPointer } = movementTracker(view, stateOf, boxOf);
  const engage = engagement(observer, resizes, lazily);
  const { io: near, forget, release } = nearTracker(view, watched, resizes, engage);
  const onEngage = onAgent(stateOf, engage);
  const roots = rootListeners(
    view,
    (event) => {
      if (event.type === 'pointerover' || event.type === 'pointerdown') onPointer(event);
      if (event.type !== 'pointerdown') onEngage(event);
    },
    states.rootOf,
  );
  signal?.addEventListener('abort', roots.stop, { once: true });
  /** Controls this guard was ever given. */
  let made = 0;
  let sweepAt = 256;

  return {
    watch(control, root) {
      const known = watched.get(control);
      if (known) {
        // Watched already: a moment to notice it moved (our own re-layout, say).
        look(known, boxOf(control), view.performance.now());
        return;
      }
      if (unseen.has(control)) return;
      made += 1;
      if (following && made > NEAR_FOLLOWED_MAX) {
        following = false;
        release();
      }
      if (lazily()) {
        if (states.awaitLazily(control, root)) roots.add(root);
        return;
      }
      roots.add(root);
      watched.set(control, fresh());
      all.add(control);
      if (following) near!.observe(control);
      else resizes?.observe(control);
      if (all.size > sweepAt) {
        sweepAt = Infinity;
        // After this task: controls made in it are inserted by then.
        queueMicrotask(() => {
          for (const c of all) if (!c.isConnected) this.unwatch(c);
          sweepAt = Math.max(256, all.size * 2);
        });
      }
    },
    unwatch(control) {
      unseen.delete(control);
      if (!watched.has(control)) return;
      watched.delete(control);
      all.delete(control);
      forget(control);
      near?.unobserve(control);
      observer?.unobserve(control);
      resizes?.unobserve(control);
    },
    allows(event, control, root, host) {
      // A page script's click() or dispatchEvent is never the agent's.
      if (!event.isTrusted || !(event instanceof view.MouseEvent) || !chain) return false;
      const state = stateOf(control);
      if (!state) return false;
      // The click must land on our control itself: the page cannot see into our closed shadow root,
      // and a click on the host's own box (page CSS made it large) has the host as its origin.
      const origin = event.composedPath()[0] as Node | undefined;
      if (!origin || !(origin === control || control.contains(origin))) return false;
      // Keyboard activation (Enter/Space on a focused control) has no pointer position: the focus
      // ring is where the agent looks, so the visibility checks below still apply.
      const keyboard = event.detail === 0;
      // Visible by CSS (no opacity: 0 or visibility: hidden on it or any ancestor) …
      const opts = { opacityProperty: true, visibilityProperty: true };
      if (!control.checkVisibility(opts) || !host.checkVisibility(opts)) return false;
      // … at its own size: a transform or zoom on it or an ancestor would make it cover more.
      const box = boxOf(control);
      const el = control as HTMLElement;
      if (Math.abs(box.w - el.offsetWidth) >= 1 || Math.abs(box.h - el.offsetHeight) >= 1)
        return false;
      // … on top where the pointer is (nothing of the page's above it that takes the click) …
      if (!keyboard) {
        const outer = host.getRootNode() as Document | ShadowRoot;
        if (outer.elementFromPoint?.(event.clientX, event.clientY) !== host) return false;
        const inner = root.elementFromPoint(event.clientX, event.clientY);
        if (!inner || !(inner === control || control.contains(inner))) return false;
      }
      // … and, in a frame, shown by every parent: unhidden, unscaled and on top at that point.
      if (chain.length && !framesShow(chain, event.clientX, event.clientY, keyboard)) return false;
      // … where it has stood still for a moment (under a pointer: a page can slide it there) …
      look(state, box, event.timeStamp);
      if (!keyboard && event.timeStamp - state.stableSince < MIN_STABLE_MS) return false;
      // … and reported visible and unoccluded (page boxes drawn over it with pointer-events: none
      // pass hit-testing but not this) for a moment before the click.
      if (tracking && (!state.visible || event.timeStamp - state.visibleSince < MIN_VISIBLE_MS))
        return false;
      return true;
    },
    stop() {
      near?.disconnect();
      observer?.disconnect();
      resizes?.disconnect();
      roots.stop();
    },
  };
}
