import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../server';
import { tempDir, testVonageConfig } from '../testing/support';
import { openDatabase } from './connect';

const mode = (path: string) => statSync(path).mode & 0o777;
const dir = tempDir();
afterAll(() => dir.remove());

describe.skipIf(process.platform === 'win32')('what other local users can read', () => {
  it('creates DATA_DIR 0700 and the database, WAL and SHM files 0600', async () => {
    const dataDir = join(dir.path, 'fresh', 'data');
    const handle = await openDatabase({ dataDir });
    try {
      await handle.db
        .insertInto('agents')
        .values({
          name: 'x',
          key_id: '000000000000',
          key_hash: 'h',
          admin: 0,
          disabled: 0,
          vonage_user: null,
          cuid: null,
          created_at: 1,
          last_offered_at: 0,
        })
        .execute();
      expect(mode(dataDir)).toBe(0o700);
      for (const name of ['c2c.sqlite', 'c2c.sqlite-wal', 'c2c.sqlite-shm'])
        expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
    } finally {
      await handle.close();
    }
  });

  it('tightens database files an older version left readable by everyone', async () => {
    const dataDir = join(dir.path, 'old');
    const first = await openDatabase({ dataDir });
    await first.close();
    for (const name of ['c2c.sqlite', 'c2c.sqlite-wal', 'c2c.sqlite-shm']) {
      const path = join(dataDir, name);
      writeFileSync(path, '', { flag: 'a' });
      chmodSync(path, 0o644);
    }
    const handle = await openDatabase({ dataDir });
    try {
      for (const name of ['c2c.sqlite', 'c2c.sqlite-wal', 'c2c.sqlite-shm'])
        expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
    } finally {
      await handle.close();
    }
  });

  it('refuses to start when the Vonage private key is readable by other users', async () => {
    const { vonage } = testVonageConfig(dir.path);
    chmodSync(vonage.privateKeyPath, 0o644);
    await expect(
      startServer(
        { port: 0, host: '127.0.0.1', dataDir: join(dir.path, 'srv'), vonage, logLevel: 'silent' },
        { env: {} },
      ),
    ).rejects.toThrow(/vonage-test\.key is accessible by other users \(mode 0644\): run chmod 600/);
  });
});
