// Benchmark probes: the work loop reports each of its tasks and each time all queued work is done.
// Nothing in the product sets them; the benchmark (and test builds, as performance marks) do.
export type TaskKind = 'frame' | 'idle' | 'visible';

export const probes: {
  /** A task of ours ran for `ms`. */
  task?(kind: TaskKind, ms: number): void;
  /** Nothing is queued or awaited any more (called again each time work drains). */
  settled?(): void;
} = {};
