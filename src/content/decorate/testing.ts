// Test helpers: a scheduler that runs queued work only when the test says so, and the decorator
// started on the test's document with it.
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { startDecorating, type DecorateOptions } from './index';
import type { Scheduler } from './scheduler';

/** Starts the decorator on `document` with US numbers, `scheduler` and no call handler. */
export function decorateForTest(
  scheduler: Scheduler,
  options: Partial<DecorateOptions> = {},
): void {
  startDecorating({
    document,
    settings: { ...DEFAULT_SETTINGS, defaultCountry: 'US' },
    signal: new AbortController().signal,
    onCall: () => undefined,
    scheduler,
    visibleFirst: false,
    ...options,
  });
}

type Kind = 'frame' | 'idle';

/**
 * `tick`: with a number, the clock advances that many ms on every reading, so budgets end after a
 * known amount of work (slices become deterministic).
 */
export function manualScheduler(options: { tick?: number } = {}): Scheduler & {
  /** Runs queued work (of one kind, or all) until none is left. */
  flush(kind?: Kind): void;
  /** Runs the oldest queued task of a kind. */
  runOne(kind: Kind): void;
  pending(kind?: Kind): number;
} {
  let clock = 0;
  let queue: { kind: Kind; run: () => void }[] = [];
  const add = (kind: Kind, run: () => void) => {
    const entry = { kind, run };
    queue.push(entry);
    return () => {
      queue = queue.filter((e) => e !== entry);
    };
  };
  return {
    now: () => (options.tick ? (clock += options.tick) : performance.now()),
    frame: (run) => add('frame', run),
    idle: (run) => add('idle', () => run(() => 1000)),
    runOne(kind) {
      const entry = queue.find((e) => e.kind === kind);
      if (!entry) throw new Error(`no ${kind} task queued`);
      queue = queue.filter((e) => e !== entry);
      entry.run();
    },
    pending: (kind) => queue.filter((e) => !kind || e.kind === kind).length,
    flush(kind) {
      for (let round = 0; round < 1000; round++) {
        const batch = queue.filter((e) => !kind || e.kind === kind);
        if (!batch.length) return;
        queue = queue.filter((e) => !batch.includes(e));
        for (const e of batch) e.run();
      }
      throw new Error('scheduler did not settle in 1000 rounds');
    },
  };
}
