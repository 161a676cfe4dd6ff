import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessKey } from './agents';
import { runAdmin, UsageError } from './admin';
import { Bus } from './bus';
import { openDatabase, type Db } from './db/connect';
import { Store } from './db/store';
import { forEachEngine, freshPgDatabase, tempDir } from './testing/support';

const run = promisify(execFile);

forEachEngine((engine) => {
  describe('admin commands', () => {
    let dir: ReturnType<typeof tempDir>;
    let handle: Db;
    let store: Store;
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      dir = tempDir();
      const pg = engine === 'pg' ? await freshPgDatabase() : undefined;
      drop = pg?.drop;
      handle = await openDatabase({ dataDir: dir.path, ...(pg ? { databaseUrl: pg.url } : {}) });
      store = new Store(handle, new Bus());
    });
    afterAll(async () => {
      await handle.close();
      await drop?.();
      dir.remove();
    });

    it('adds, lists, disables and rotates; the key is the last line and works once stored hashed', async () => {
      const added = await runAdmin(store, [
        'agent',
        'add',
        'alice',
        '--vonage-user',
        'alice-v',
        '--cuid',
        'c1',
        '--admin',
      ]);
      const key = added[added.length - 1]!;
      expect(key).toMatch(/^c2c_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
      const row = await store.getAgentByName('alice');
      expect(row?.key_hash).toMatch(/^scrypt\$/);
      expect(row?.key_hash).not.toContain(key.slice('c2c_000000000000_'.length));
      expect((await checkAccessKey(store, key))?.name).toBe('alice');
      expect(await runAdmin(store, ['agent', 'list'])).toEqual([
        'alice\tactive\tadmin\tvonage-user=alice-v\tcuid=c1',
      ]);
      const rotated = await runAdmin(store, ['agent', 'rotate-key', 'alice']);
      const newKey = rotated[rotated.length - 1]!;
      expect(await checkAccessKey(store, key)).toBeUndefined();
      expect((await checkAccessKey(store, newKey))?.name).toBe('alice');
      await runAdmin(store, ['agent', 'disable', 'alice']);
      expect((await runAdmin(store, ['agent', 'list']))[0]).toContain('disabled');
      await expect(runAdmin(store, ['agent', 'add', 'alice'])).rejects.toThrow(/already exists/);
      await expect(runAdmin(store, ['agent', 'disable', 'nobody'])).rejects.toThrow(
        /No agent named/,
      );
      await expect(runAdmin(store, ['agent', 'add'])).rejects.toBeInstanceOf(UsageError);
      await expect(runAdmin(store, ['agent', 'add', 'x', '--vonage-user'])).rejects.toThrow(
        /needs a value/,
      );
      await expect(runAdmin(store, ['agent', 'fly'])).rejects.toThrow(/Unknown command/);
    });

    it('binds, lists and removes lines; a line has one owner', async () => {
      await runAdmin(store, ['agent', 'add', 'line-owner']);
      await runAdmin(store, ['agent', 'add', 'line-thief']);
      expect(await runAdmin(store, ['line', 'list'])).toEqual([
        'No lines yet: npm run admin -- line add <address> <agent>',
      ]);
      expect(await runAdmin(store, ['line', 'add', 'tel:+14155552671', 'line-owner'])).toEqual([
        'Bound line tel:+14155552671 to agent line-owner.',
      ]);
      // Again for the same agent: fine (npm start runs it every time).
      expect(await runAdmin(store, ['line', 'add', 'tel:+14155552671', 'line-owner'])).toEqual([
        'Line tel:+14155552671 is already bound to agent line-owner.',
      ]);
      await expect(
        runAdmin(store, ['line', 'add', 'tel:+14155552671', 'line-thief']),
      ).rejects.toThrow(/bound to agent "line-owner": remove it first/);
      await runAdmin(store, ['line', 'add', 'contact:cust-1', 'line-thief']);
      expect(await runAdmin(store, ['line', 'list'])).toEqual([
        'contact:cust-1\tline-thief',
        'tel:+14155552671\tline-owner',
      ]);
      expect(await store.getLineOwner('tel:+14155552671')).toBe('line-owner');
      await runAdmin(store, ['line', 'remove', 'tel:+14155552671']);
      expect(await store.getLineOwner('tel:+14155552671')).toBeUndefined();
      await expect(runAdmin(store, ['line', 'remove', 'tel:+14155552671'])).rejects.toThrow(
        /not bound/,
      );
      await expect(runAdmin(store, ['line', 'add', 'agent:bob', 'line-owner'])).rejects.toThrow(
        /Invalid line/,
      );
      await expect(runAdmin(store, ['line', 'add', 'tel:12', 'line-owner'])).rejects.toThrow(
        /Invalid line/,
      );
      await expect(runAdmin(store, ['line', 'add', 'tel:+14155550000', 'nobody'])).rejects.toThrow(
        /No agent named/,
      );
      await expect(runAdmin(store, ['line', 'add', 'tel:+14155550000'])).rejects.toBeInstanceOf(
        UsageError,
      );
      await expect(runAdmin(store, ['line', 'move'])).rejects.toThrow(/Unknown command/);
    });

    it('lists, replaces and requires dispositions; refuses a bad list and keeps the old one', async () => {
      expect(await runAdmin(store, ['disposition', 'list'])).toEqual([
        '1\tConnected',
        '2\tLeft voicemail',
        '3\tNo answer',
        '4\tWrong number',
        '5\tNot interested',
        '6\tFollow up',
        'Outcome optional.',
      ]);
      expect(await runAdmin(store, ['disposition', 'set', ' Sale ', 'No  sale', '販売'])).toEqual([
        'Dispositions (3): Sale, No sale, 販売.',
      ]);
      await expect(runAdmin(store, ['disposition', 'set', 'Sale', 'sale'])).rejects.toThrow(
        /"sale" is listed twice/,
      );
      await expect(runAdmin(store, ['disposition', 'set', 'x'.repeat(61)])).rejects.toThrow(
        /too long \(60 characters at most\)/,
      );
      await expect(runAdmin(store, ['disposition', 'set'])).rejects.toBeInstanceOf(UsageError);
      expect(await runAdmin(store, ['disposition', 'require', 'on'])).toEqual([
        'An outcome is now required.',
      ]);
      expect(await runAdmin(store, ['disposition', 'list'])).toEqual([
        '1\tSale',
        '2\tNo sale',
        '3\t販売',
        'Outcome required.',
      ]);
      await runAdmin(store, ['disposition', 'require', 'off']);
      expect((await runAdmin(store, ['disposition', 'list'])).at(-1)).toBe('Outcome optional.');
      await expect(runAdmin(store, ['disposition', 'require', 'yes'])).rejects.toBeInstanceOf(
        UsageError,
      );
      await expect(runAdmin(store, ['disposition', 'rename'])).rejects.toThrow(/Unknown command/);
    });
  });
});

describe('npm run admin (the real CLI)', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('prints the one-time access key as the last line and exits non-zero on errors', async () => {
    const env = { ...process.env, DATA_DIR: dir.path, DATABASE_URL: '' };
    const tsx = ['--import', 'tsx', 'backend/admin.ts'];
    const added = await run(process.execPath, [...tsx, 'agent', 'add', 'cli-agent', '--admin'], {
      env,
    });
    const lines = added.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^c2c_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    const listed = await run(process.execPath, [...tsx, 'agent', 'list'], { env });
    expect(listed.stdout).toContain('cli-agent\tactive\tadmin');
    const failed = await run(process.execPath, [...tsx, 'agent', 'add', 'cli-agent'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
    const usage = await run(process.execPath, [...tsx, 'nonsense'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage:') });
    const refused = await run(process.execPath, [...tsx, 'line', 'add', 'tel:1', 'cli-agent'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('Invalid line') });
  }, 30_000);
});
