import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DIRECTORY_IMPORT_MAX_BYTES,
  type DirectoryImportResult,
} from '../../src/contract/directory';
import { addAgent, createSession, disableAgent } from '../agents';
import { countDirectory, importDirectoryCsv, lookupDirectory } from '../directory/store';
import { ORIGIN, adminRequest, signedInAdmin, type ConsoleSession } from '../testing/adminConsole';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';

const HEADER = 'name,company,numbers,record_url';
const AVA = 'Ava Thompson,Acme,+1 415 555 2671,https://crm.example.com/r/1';
const BEN = 'Ben Ito,,+81312345678;+81 90 1234 5678,';

forEachEngine((engine) => {
  describe('admin directory import (/api/admin/directory)', () => {
    let t: TestApp;
    let admin: ConsoleSession;
    let agentToken: string;

    beforeAll(async () => {
      t = await makeTestApp(engine);
      admin = await signedInAdmin(t, 'dir-admin');
      await addAgent(t.store, 'dir-agent');
      const agent = (await t.store.getAgentByName('dir-agent'))!;
      agentToken = (await createSession(t.store, agent, 3600)).token;
    });
    afterAll(() => t.close());
    beforeEach(async () => {
      await importDirectoryCsv(t.store.db, `${HEADER}\nZed,,+14155550100,\n`, 'replace');
    });

    const send = (body: unknown, session: ConsoleSession | undefined = admin) =>
      adminRequest(t, '/api/admin/directory/import', { method: 'POST', session, body });
    const result = async (res: Response) => {
      expect(res.status).toBe(200);
      return (await res.json()) as DirectoryImportResult;
    };
    const auditEntries = async () => {
      const res = await adminRequest(t, '/api/admin/audit?action=directory.import', {
        session: admin,
      });
      return ((await res.json()) as { items: { actor: string; detail: unknown }[] }).items;
    };

    it('merges a CSV, answers the report and the count, and logs who imported how many', async () => {
      const before = (await auditEntries()).length;
      const { report, count } = await result(
        await send({ mode: 'merge', csv: `${HEADER}\n${AVA}\n${BEN}\n` }),
      );
      expect(report).toEqual({ mode: 'merge', imported: 2, rejected: [], applied: true });
      expect(count).toEqual({ people: 3, numbers: 4 });
      expect((await lookupDirectory(t.store.db, '+819012345678'))?.name).toBe('Ben Ito');
      expect((await lookupDirectory(t.store.db, '+14155550100'))?.name).toBe('Zed');
      const entries = await auditEntries();
      expect(entries.length).toBe(before + 1);
      expect(entries[0]).toMatchObject({
        actor: 'dir-admin',
        detail: { entries: 2, mode: 'merge', rejected: 0 },
      });
    });

    it('replaces the directory with the file, reporting each rejected row with its line', async () => {
      const csv = `${HEADER}\n${AVA}\n,Acme,+14155550101,\nBad Number,,12345,\n${BEN}\n`;
      const { report, count } = await result(await send({ mode: 'replace', csv }));
      expect(report.applied).toBe(true);
      expect(report.imported).toBe(2);
      expect(report.rejected).toEqual([
        { line: 3, reason: 'no name' },
        { line: 4, reason: expect.stringContaining('"12345" is not an E.164 number') },
      ]);
      expect(count).toEqual({ people: 2, numbers: 3 });
      expect(await lookupDirectory(t.store.db, '+14155550100')).toBeUndefined();
      expect((await auditEntries())[0]).toMatchObject({
        detail: { entries: 2, mode: 'replace', rejected: 2 },
      });
    });

    it('leaves the directory as it was when no row is acceptable or the file is not a directory CSV', async () => {
      const before = (await auditEntries()).length;
      for (const csv of [
        `${HEADER}\n,,,\nNo Number,,,\n`,
        '{"name": "Ava", "numbers": ["+14155552671"]}',
        'name,numbers\n"Ava,+14155552671\n',
        '',
      ]) {
        const { report, count } = await result(await send({ mode: 'replace', csv }));
        expect(report.applied).toBe(false);
        expect(report.imported).toBe(0);
        expect(report.rejected.length).toBeGreaterThan(0);
        for (const r of report.rejected) expect(r.reason).toBeTruthy();
        expect(count).toEqual({ people: 1, numbers: 1 });
      }
      expect((await auditEntries()).length).toBe(before);
    });

    it('refuses a file that is not text, and a body that is not {mode, csv}', async () => {
      const binary = await send({ mode: 'merge', csv: 'PK\u0003\u0004\u0000\u0000binary' });
      expect(binary.status).toBe(400);
      expect(await binary.json()).toMatchObject({ code: 'adminDirectoryNotText' });
      const mangled = await send({ mode: 'merge', csv: `${HEADER}\n\uFFFD\uFFFD,,+1415,\n` });
      expect(mangled.status).toBe(400);
      for (const body of [
        { mode: 'append', csv: `${HEADER}\n${AVA}\n` },
        { mode: 'merge' },
        { mode: 'merge', csv: 42 },
        'name,numbers',
      ]) {
        const res = await send(body);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/mode.*csv/);
      }
      expect(await countDirectory(t.store.db)).toEqual({ people: 1, numbers: 1 });
    });

    it('refuses a body over the limit with 413 and a message, without importing', async () => {
      const row = `${AVA}\n`;
      const csv = `${HEADER}\n${row.repeat(Math.ceil(DIRECTORY_IMPORT_MAX_BYTES / row.length) + 1)}`;
      const res = await send({ mode: 'replace', csv });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({
        code: 'adminDirectoryTooLarge',
        error: expect.stringContaining('at most 10 MB'),
      });
      expect(await countDirectory(t.store.db)).toEqual({ people: 1, numbers: 1 });
    });

    it('accepts a file above the API’s usual 64 KB limit', async () => {
      const rows = Array.from(
        { length: 3000 },
        (_, i) => `Person ${i},Big Co,+1415600${String(i).padStart(4, '0')},`,
      );
      const csv = `${HEADER}\n${rows.join('\n')}\n`;
      expect(csv.length).toBeGreaterThan(64 * 1024);
      const { report, count } = await result(await send({ mode: 'replace', csv }));
      expect(report).toMatchObject({ imported: 3000, applied: true });
      expect(count).toEqual({ people: 3000, numbers: 3000 });
    });

    it('reads the count, never the entries', async () => {
      const res = await adminRequest(t, '/api/admin/directory', { session: admin });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ people: 1, numbers: 1 });
      for (const path of ['/api/admin/directory/entries', '/api/admin/directory/export']) {
        expect((await adminRequest(t, path, { session: admin })).status).toBe(404);
      }
    });

    describe('authorization', () => {
      const csv = `${HEADER}\n${AVA}\n`;
      const expectUnchanged = async () =>
        expect(await countDirectory(t.store.db)).toEqual({ people: 1, numbers: 1 });

      it('refuses the signed-out, with or without a large body', async () => {
        for (const path of ['/api/admin/directory', '/api/admin/directory/import']) {
          const method = path.endsWith('import') ? 'POST' : 'GET';
          const res = await adminRequest(t, path, {
            method,
            ...(method === 'POST' ? { body: { mode: 'replace', csv } } : {}),
          });
          expect(res.status).toBe(401);
        }
        const big = await adminRequest(t, '/api/admin/directory/import', {
          method: 'POST',
          body: { mode: 'replace', csv: 'x'.repeat(DIRECTORY_IMPORT_MAX_BYTES + 10) },
        });
        expect(big.status).toBe(401);
        await expectUnchanged();
      });

      it('refuses an agent’s extension token (not a console session) and a non-admin', async () => {
        for (const path of ['/api/admin/directory', '/api/admin/directory/import']) {
          const post = path.endsWith('import');
          const res = await t.app.request(path, {
            method: post ? 'POST' : 'GET',
            headers: {
              authorization: `Bearer ${agentToken}`,
              origin: ORIGIN,
              'content-type': 'application/json',
            },
            ...(post ? { body: JSON.stringify({ mode: 'replace', csv }) } : {}),
          });
          expect(res.status).toBe(401);
        }
        const { accessKey } = await addAgent(t.store, 'dir-plain');
        const signIn = await adminRequest(t, '/api/admin/session', {
          method: 'POST',
          body: { accessKey },
        });
        expect(signIn.status).toBe(401);
        await expectUnchanged();
      });

      it('refuses a disabled admin’s console session', async () => {
        const other = await signedInAdmin(t, 'dir-leaver');
        expect((await adminRequest(t, '/api/admin/directory', { session: other })).status).toBe(
          200,
        );
        await disableAgent(t.store, 'dir-leaver');
        expect((await send({ mode: 'replace', csv }, other)).status).toBe(401);
        expect((await adminRequest(t, '/api/admin/directory', { session: other })).status).toBe(
          401,
        );
        await expectUnchanged();
      });

      it('needs the CSRF token and our Origin for an import', async () => {
        for (const override of [
          { csrf: null },
          { csrf: 'wrong-token' },
          { origin: null },
          {
            origin: 'https://evil.example',
          },
        ]) {
          const res = await adminRequest(t, '/api/admin/directory/import', {
            method: 'POST',
            session: admin,
            body: { mode: 'replace', csv },
            ...override,
          });
          expect(res.status).toBe(403);
        }
        await expectUnchanged();
      });
    });
  });
});
