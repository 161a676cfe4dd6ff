// Large batches go on-screen first: splits containers into those near the viewport and the rest.
/** Containers this close to the viewport count as on screen (the observer's rootMargin). */
const VISIBLE_MARGIN_PX = 200;
/** Consecutive containers below the screen after which the rest of a batch is taken as off-screen. */
const BELOW_RUN = 256;
/** Targets given to the IntersectionObserver per frame, so no task of ours grows long. */
const OBSERVE_CHUNK = 4000;

export interface Split {
  onScreen: Element[];
  offScreen: Element[];
  /**
   * The batch ended in a long run below the screen: what comes later in document order is below too
   * (later batches of the same pass need not read the layout, which our writes have dirtied since).
   */
  restBelow?: boolean;
}

/**
 * The split read from the layout this frame already has: in a frame task nothing of ours is written
 * before these reads, so no layout is forced and no frames are spent waiting for an
 * IntersectionObserver. Null where there is no layout (an unrendered document): ask the observer.
 */
export function splitByRects(
  win: Window,
  found: Element[],
  deadline: number,
  now: () => number,
): Split | null {
  const height = win.innerHeight;
  const width = win.innerWidth;
  if (!height || !width) return null;
  const split: Split = { onScreen: [], offScreen: [] };
  let laidOut = false;
  let below = 0;
  let i = 0;
  for (; i < found.length; i++) {
    if ((i & 127) === 127 && now() > deadline) break;
    // Document order runs down the page: after a long run below the screen, the rest is too (a
    // rare exception is merely decorated in idle time, like everything off-screen).
    if (below >= BELOW_RUN) break;
    const el = found[i]!;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) {
      split.offScreen.push(el); // not rendered (display: none …): when idle, like everything off-screen
      if (i === 63 && !laidOut) break;
      continue;
    }
    laidOut = true;
    if (r.top >= height + VISIBLE_MARGIN_PX) below++;
    else below = 0;
    if (
      r.bottom > -VISIBLE_MARGIN_PX &&
      r.top < height + VISIBLE_MARGIN_PX &&
      r.right > 0 &&
      r.left < width
    )
      split.onScreen.push(el);
    else split.offScreen.push(el);
  }
  if (!laidOut) return null; // nothing to go by: let the observer decide
  if (below >= BELOW_RUN) split.restBelow = true;
  for (; i < found.length; i++) split.offScreen.push(found[i]!);
  return split;
}

/**
 * The same split through an IntersectionObserver, reported as the browser answers (`last` on the
 * final report). Targets are observed a few thousand per frame. Returns a cancel function.
 */
export function splitByObserver(
  win: Window & typeof globalThis,
  found: Element[],
  nextFrame: (run: () => void) => () => void,
  report: (split: Split, last: boolean) => void,
): () => void {
  let unanswered = found.length;
  let next = 0;
  let chunkCancel: (() => void) | null = null;
  let cancelled = false;
  const io = new win.IntersectionObserver(
    (entries) => {
      if (cancelled) return;
      const split: Split = { onScreen: [], offScreen: [] };
      for (const entry of entries) {
        io.unobserve(entry.target);
        unanswered--;
        (entry.isIntersecting ? split.onScreen : split.offScreen).push(entry.target);
      }
      const last = unanswered <= 0;
      if (last) cancel();
      report(split, last);
    },
    { rootMargin: `${VISIBLE_MARGIN_PX}px 0px` },
  );
  function cancel() {
    cancelled = true;
    io.disconnect();
    chunkCancel?.();
  }
  const observeChunk = () => {
    chunkCancel = null;
    if (cancelled) return;
    const end = Math.min(found.length, next + OBSERVE_CHUNK);
    for (; next < end; next++) io.observe(found[next]!);
    if (next < found.length) chunkCancel = nextFrame(observeChunk);
  };
  observeChunk();
  return cancel;
}
