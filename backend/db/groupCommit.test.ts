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

/** A clock that only the writes move: each takes `ms` (no real time is measured). */
function writeClock(ms = 1) {
  let now = 0;
  return {
    now: () => now,
    job: (name: string, then?: () => void) => async (trx: Transaction<Database>) => {
      now += ms;
      then?.();
      return job(name)(trx);
    },
  };
}

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

  it('ends a transaction once its writes have run for a slice; the rest go in the next ones', async () => {
    const run = recordingRunner();
    const clock = writeClock();
    const group = new GroupCommit(run.runner, () => Promise.resolve(), {
      sliceMs: 2,
      now: clock.now,
    });
    const names = ['a', 'b', 'c', 'd', 'e'];
    expect(await Promise.all(names.map((n) => group.write(clock.job(n))))).toEqual(names);
    expect(run.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('lets an urgent write that arrives on I/O during a long queue in after one slice', async () => {
    const run = recordingRunner();
    const clock = writeClock();
    const group = new GroupCommit(run.runner, () => Promise.resolve(), {
      sliceMs: 2,
      now: clock.now,
    });
    let urgent: Promise<string> | undefined;
    // The webhook's request is read by an I/O callback while the first transaction runs.
    const arrives = () =>
      setImmediate(() => (urgent = group.write(job('urgent'), { urgent: true })));
    const bulk = Array.from({ length: 6 }, (_, i) =>
      group.write(clock.job(`bulk-${i}`, i === 0 ? arrives : undefined)),
    );
    await Promise.all(bulk);
    expect(await urgent).toBe('urgent');
    expect(run.batches).toEqual([
      ['bulk-0', 'bulk-1'],
      ['urgent'],
      ['bulk-2', 'bulk-3'],
      ['bulk-4', 'bulk-5'],
    ]);
  });

  it('stops taking queued writes once an urgent one is waiting', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve());
    let urgent: Promise<string> | undefined;
    const first = group.write(async (trx) => {
      urgent = group.write(job('urgent'), { urgent: true });
      return job('bulk-0')(trx);
    });
    const rest = ['bulk-1', 'bulk-2'].map((n) => group.write(job(n)));
    await Promise.all([first, ...rest, urgent]);
    expect(run.batches).toEqual([['bulk-0'], ['urgent'], ['bulk-1', 'bulk-2']]);
  });

  it('runs an urgent write at once: I/O already waiting does not go first', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve(), { lingerMs: 1000 });
    const order: string[] = [];
    const io = new Promise<void>((resolve) =>
      setImmediate(() => {
        order.push('io');
        resolve();
      }),
    );
    await Promise.all([
      group.write(job('urgent'), { urgent: true }).then((n) => order.push(n)),
      io,
    ]);
    expect(order).toEqual(['urgent', 'io']);
  });

  it('holds bulk writes up to lingerMs so that later ones share their transaction', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve(), { lingerMs: 150 });
    const a = group.write(job('a'));
    await new Promise((r) => setTimeout(r, 20));
    const b = group.write(job('b'));
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(run.batches).toEqual([['a', 'b']]);
    // The wait counts from the oldest write: one queued long enough goes at the next turn.
    const c = group.write(job('c'));
    await new Promise((r) => setTimeout(r, 200));
    expect(await c).toBe('c');
    expect(run.batches).toEqual([['a', 'b'], ['c']]);
  });

  it('an urgent write cuts the bulk writes’ wait short and goes first', async () => {
    const run = recordingRunner();
    // The wait is 60 s by this clock (and in real time): only the urgent write can end it.
    let clock = 0;
    const group = new GroupCommit(run.runner, () => Promise.resolve(), {
      lingerMs: 60_000,
      now: () => clock,
    });
    let bulkDone = false;
    const bulk = group.write(job('bulk')).then((n) => ((bulkDone = true), n));
    await new Promise((r) => setTimeout(r, 10));
    expect(await group.write(job('urgent'), { urgent: true })).toBe('urgent');
    expect(bulkDone).toBe(false);
    expect(run.batches).toEqual([['urgent']]);
    clock = 60_000; // the bulk write has now waited its time: it goes at the next turn
    expect(await bulk).toBe('bulk');
    expect(run.batches).toEqual([['urgent'], ['bulk']]);
  });

  it('a bad write fails alone: its neighbours are redone one by one and commit', async () => {
    const run = recordingRunner();
    const group = new GroupCommit(run.runner, () => Promise.resolve());
    const a = group.write(job('a'));
    const bad = group.write(() => Promise.reject(new Error('constraint')));
    const c = group.write(job('c'));
    await expect(bad).rejects.toThrow('constraint');
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
    // a's transaction rolled back with the bad write: a is redone alone; c was not taken yet.
    expect(run.batches).toEqual([['a'], ['c']]);
  });

  it('rejects the next write when a transaction fails before taking any (no endless retry)', async () => {
    const group = new GroupCommit(
      () => Promise.reject(new Error('database is locked')),
      () => Promise.resolve(),
    );
    await expect(group.write(job('a'))).rejects.toThrow('database is locked');
    await group.flush();
  });
});
