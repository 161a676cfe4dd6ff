import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin, UsageError } from '../admin';
import { addAgent, createSession } from '../agents';
import {
  forEachEngine,
  makeTestApp,
  signWebhook,
  tempDir,
  testVonageConfig,
  type TestApp,
} from '../testing/support';
import { lookupDirectory } from './store';

forEachEngine((engine) => {
  describe('company directory: admin CLI and the Vonage answer webhook', () => {
    let t: TestApp;
    let dir: ReturnType<typeof tempDir>;

    beforeAll(async () => {
      dir = tempDir();
      const { vonage } = testVonageConfig(dir.path);
      t = await makeTestApp(engine, { vonage, allowedCountries: ['GB', 'US'] });
    });
    afterAll(async () => {
      await t.close();
      dir.remove();
    });

    it('`directory import` merges, or replaces with --replace, and reports rejected lines', async () => {
      const file = join(dir.path, 'people.csv');
      writeFileSync(
        file,
        '\uFEFFName,Company,Numbers,Record URL\r\nAva Thompson,Acme,+1 415 555 2671,\r\nBad,,12,\r\n',
      );
      expect(await runAdmin(t.store, ['directory', 'import', file])).toEqual([
        'Merged 1 person; 1 rows rejected.',
        '  line 3: "12" is not an E.164 number (+ and country code)',
      ]);
      writeFileSync(file, 'name,numbers\nZoe,+447400123456\n');
      expect(await runAdmin(t.store, ['directory', 'import', file, '--replace'])).toEqual([
        'Replaced the directory with 1 person; 0 rows rejected.',
      ]);
      expect(await lookupDirectory(t.store.db, '+14155552671')).toBeUndefined();
      writeFileSync(file, 'name,numbers\n');
      expect(await runAdmin(t.store, ['directory', 'import', file, '--replace'])).toEqual([
        'Nothing imported (0 rejected); the directory is unchanged.',
      ]);
      expect((await lookupDirectory(t.store.db, '+447400123456'))?.name).toBe('Zoe');
      // The two imports that changed the directory are in the audit log (as the console's are);
      // the one that changed nothing is not.
      const audited = await t.store.db
        .selectFrom('audit_log')
        .select(['source', 'action', 'detail'])
        .where('action', '=', 'directory.import')
        .orderBy('id')
        .execute();
      expect(audited.map((row) => [row.source, JSON.parse(row.detail ?? '{}')])).toEqual([
        ['cli', { entries: 1, mode: 'merge', rejected: 1 }],
        ['cli', { entries: 1, mode: 'replace', rejected: 0 }],
      ]);
      await expect(runAdmin(t.store, ['directory', 'import'])).rejects.toBeInstanceOf(UsageError);
      await expect(runAdmin(t.store, ['directory', 'export', file])).rejects.toThrow(
        /Unknown command/,
      );
      await expect(
        runAdmin(t.store, ['directory', 'import', join(dir.path, 'none.csv')]),
      ).rejects.toThrow(/ENOENT/);
    });

    it('records the directory name on an inbound Vonage call when it is answered', async () => {
      await addAgent(t.store, 'ann', { vonageUser: 'ann-v' });
      await createSession(t.store, (await t.store.getAgentByName('ann'))!, 3600);
      const answer = async (from: string) => {
        const leg = randomUUID();
        const res = await t.app.request(
          `/webhooks/answer?${new URLSearchParams({ uuid: leg, conversation_uuid: `CON-${leg}`, from, to: '447700900000' })}`,
          { headers: { authorization: await signWebhook('') } },
        );
        expect(res.status).toBe(200);
        return (await t.store.getCall(leg))!;
      };
      const known = await answer('447400123456');
      expect(known).toMatchObject({ direction: 'inbound', agent: 'ann', contact_name: 'Zoe' });
      await t.store.db.updateTable('agents').set({ last_offered_at: 0 }).execute();
      await t.store.db.deleteFrom('calls').execute();
      const unknown = await answer('447400999999');
      expect(unknown.agent).toBe('ann');
      expect(unknown.contact_name ?? null).toBeNull();
    });
  });
});
