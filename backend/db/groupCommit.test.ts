import { describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import { GroupCommit } from './groupCommit';
import type { Database } from './schema';

/** A runner that records which writes each transaction held (a transaction here is one batch). */
function recordingRunner() {
  const batches: string[][] = [];
  let current: string[] | undefined;
  let release: (() => void) | undefined;
  let hold: Promise<void> | undefined;
  const runner = async <T>(
    fn: (trx: Transaction<Database>, notify: Set<string>) => Promise<T>,
  ): Promise<T> => {
    current = [];
    const result = await fn(current as unknown as Transaction<Database>, new Set());
    batches.push(current);
    await hold; // the commit of a long batch
    return result;
  };
  return {
    batches,
    runner,
    /** Holds the next commits until `go()`. */
    pause() {
      hold = new Promise((resolve) => (release = resolve));
    },
    go() {
      hold = undefined;
      release?.();
    },
  };
}

const job = (name: string) => async (trx: Transaction<Database>) => {
  (trx as unknown as string[]).push(name);
  return name;
};

describe('group commit', () => {
  it('commits writes that arrive together in one transaction, in order', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve());
    expect(await Promise.all(['a', 'b', 'c'].map((n) => group.write(job(n))))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(run.batches).toEqual([['a', 'b', 'c']]);
  });

  it('runs an urgent write in the next transaction, alone, ahead of the queued ones', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve());
    run.pause();
    const first = group.write(job('bulk-0'));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    // While the first transaction commits, bulk writes queue up, then an urgent one arrives.
    const bulk = Array.from({ length: 5 }, (_, i) => group.write(job(`bulk-${i + 1}`)));
    const urgent = group.write(job('urgent'), { urgent: true });
    const order: string[] = [];
    void urgent.then((n) => order.push(n));
    for (const p of bulk) void p.then((n) => order.push(n));
    run.go();
    await Promise.all([first, urgent, ...bulk]);
    expect(run.batches).toEqual([
      ['bulk-0'],
      ['urgent'],
      ['bulk-1', 'bulk-2', 'bulk-3', 'bulk-4', 'bulk-5'],
    ]);
    expect(order[0]).toBe('urgent');
  });
});
