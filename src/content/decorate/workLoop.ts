// The one frame/idle scheduler of a page: features queue work, it runs their slices in shared tasks.
import { probes, type TaskKind } from './probes';
import type { Scheduler } from './scheduler';

/** Frame tasks: mutations are decorated in the next frame whole (100 appended rows ≈ 5 ms). */
const FRAME_BUDGET_MS = 40;
const IDLE_BUDGET_MS = 40;
const IDLE_MIN_MS = 30;

export interface Remaining {
  /** Work for the next frame (what changed, what is on screen). */
  frame: boolean;
  /** Work for idle time (off-screen). */
  idle: boolean;
  /** Work that waits for an answer from elsewhere (an IntersectionObserver). */
  waiting?: boolean;
  /**
   * Part of the frame work is what the agent sees now (on-screen containers of a first pass): the
   * page's walk takes only a short slice of each frame until it is done (see `WorkLoop.urgent`).
   */
  urgent?: boolean;
}

/** One feature's share of the loop. */
export interface Job {
  /** Does this feature's part of a task, stopping at `deadline` (scheduler time). */
  run(kind: 'frame' | 'idle', deadline: number): void;
  remaining(): Remaining;
}

export interface WorkLoop {
  now(): number;
  /** Counts tasks: memos that hold for one task key on it. */
  readonly task: number;
  /**
   * A job said, as this task began, that some of its frame work is on screen (`Remaining.urgent`):
   * the walk, which runs first, leaves it most of the task. Otherwise the walk of a long page took
   * every frame's budget, and the first screen's buttons waited for the whole walk (1-1.5 s after
   * the first paint on 10,000 rows).
   */
  readonly urgent: boolean;
  /** Adds a job; it takes part in every task until `signal` aborts. */
  add(job: Job, signal: AbortSignal): void;
  /** Runs `work` now as one task of ours, then schedules what the jobs have left. */
  runNow(kind: TaskKind, budgetMs: number, work: (deadline: number) => void): void;
  /** Schedules what the jobs have left (after queueing work outside a task). */
  update(): void;
  /** Runs `run` before the next frame, outside the jobs; returns a cancel function. */
  nextFrame(run: () => void): () => void;
}

export function createWorkLoop(scheduler: Scheduler, signal: AbortSignal): WorkLoop {
  const jobs = new Set<Job>();
  let frameCancel: (() => void) | null = null;
  let idleCancel: (() => void) | null = null;
  let task = 0;
  let urgent = false;

  function runTask(kind: TaskKind, budgetMs: number, work: (deadline: number) => void) {
    if (signal.aborted) return;
    task++;
    urgent = false;
    for (const job of jobs) urgent ||= !!job.remaining().urgent;
    const start = scheduler.now();
    work(start + Math.max(1, budgetMs));
    probes.task?.(kind, scheduler.now() - start);
    update();
  }

  function runJobs(kind: 'frame' | 'idle') {
    return (deadline: number) => {
      for (const job of jobs) job.run(kind, deadline);
    };
  }

  function update() {
    if (signal.aborted) return;
    let frame = false;
    let idle = false;
    let waiting = false;
    for (const job of jobs) {
      const left = job.remaining();
      frame ||= left.frame;
      idle ||= left.idle;
      waiting ||= !!left.waiting;
    }
    if (frame && !frameCancel) {
      frameCancel = scheduler.frame(() => {
        frameCancel = null;
        runTask('frame', FRAME_BUDGET_MS, runJobs('frame'));
      });
    }
    if (idle && !idleCancel) {
      idleCancel = scheduler.idle((budget) => {
        idleCancel = null;
        // Idle periods between frames are short; a too-small slice means one page re-layout per few
        // buttons. Take a useful slice (still well under a 50 ms long task).
        runTask('idle', Math.min(IDLE_BUDGET_MS, Math.max(IDLE_MIN_MS, budget())), runJobs('idle'));
      });
    }
    if (!frame && !idle && !waiting) probes.settled?.();
  }

  signal.addEventListener(
    'abort',
    () => {
      frameCancel?.();
      idleCancel?.();
      jobs.clear();
    },
    { once: true },
  );

  return {
    now: () => scheduler.now(),
    get task() {
      return task;
    },
    get urgent() {
      return urgent;
    },
    add(job, jobSignal) {
      if (jobSignal.aborted || signal.aborted) return;
      jobs.add(job);
      jobSignal.addEventListener('abort', () => jobs.delete(job), { once: true });
    },
    runNow: runTask,
    update,
    nextFrame: (run) => scheduler.frame(run),
  };
}
