// When the decorator runs: next animation frame for what changed or is on screen, idle time for the rest.
export interface Scheduler {
  now(): number;
  /** Runs `run` before the next frame; returns a cancel function. */
  frame(run: () => void): () => void;
  /** Runs `run` when the page is idle; `budget()` is the time left in ms. */
  idle(run: (budget: () => number) => void): () => void;
}

/** The browser's scheduler for one window (`requestIdleCallback` where available). */
export function browserScheduler(win: Window & typeof globalThis): Scheduler {
  const now = () => win.performance.now();
  return {
    now,
    frame(run) {
      if (typeof win.requestAnimationFrame === 'function') {
        const id = win.requestAnimationFrame(() => run());
        return () => win.cancelAnimationFrame(id);
      }
      const id = win.setTimeout(run, 16);
      return () => win.clearTimeout(id);
    },
    idle(run) {
      if (typeof win.requestIdleCallback === 'function') {
        const id = win.requestIdleCallback(
          (deadline) => run(() => (deadline.didTimeout ? 10 : deadline.timeRemaining())),
          { timeout: 100 },
        );
        return () => win.cancelIdleCallback(id);
      }
      const id = win.setTimeout(() => {
        const end = now() + 10;
        run(() => end - now());
      }, 1);
      return () => win.clearTimeout(id);
    },
  };
}
