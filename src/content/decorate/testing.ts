// Test helper: a scheduler that runs queued work only when the test says so.
import type { Scheduler } from './scheduler';

export function manualScheduler(): Scheduler & { flush(): void; pending(): number } {
  let queue: (() => void)[] = [];
  return {
    now: () => performance.now(),
    frame(run) {
      let live = true;
      queue.push(() => live && run());
      return () => {
        live = false;
      };
    },
    idle(run) {
      let live = true;
      queue.push(() => live && run(() => 1000));
      return () => {
        live = false;
      };
    },
    pending: () => queue.length,
    flush() {
      for (let round = 0; round < 1000 && queue.length; round++) {
        const batch = queue;
        queue = [];
        for (const run of batch) run();
      }
    },
  };
}
