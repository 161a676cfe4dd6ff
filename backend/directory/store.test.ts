import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../bus';
import { saveCallRecord } from '../calls/builtin';
import { newCallRecord } from '../calls/records';
import { openDatabase, type Db } from '../db/connect';
import { Store } from '../db/store';
import { forEachEngine, freshPgDatabase, tempDir } from '../testing/support';
import { countDirectory, importDirectoryCsv, lookupDirectory, normaliseNumber } from './store';

const HEADER = 'name,company,numbers,record_url\r\n';

describe('normaliseNumber', () => {
  it.each([
    ['+1 (415) 555-2671', '+14155552671'],
    ['+44 20.7946.0958', '+442079460958'],
    ['4155552671', null],
    ['+0123456789', null],
    ['+1 415 CALL ME', null],
  ])('%s → %s', (raw, expected) => expect(normaliseNumber(raw)).toBe(expected));
});

forEachEngine((engine) => {
  describe('company directory store', () => {
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
    beforeEach(async () => {
      await store.db.deleteFrom('directory_numbers').execute();
      await store.db.deleteFrom('directory_contacts').execute();
    });
    afterAll(async () => {
      await handle.close();
      await drop?.();
      dir.remove();
    });

    it('imports people with several numbers and reports each rejected row by line', async () => {
      const csv =
        '\uFEFF' +
        HEADER +
        'Ava Thompson,Acme,"+1 415 555 2671; +1 415 555 0100",https://crm.example.com/r/1\r\n' +
        ',Acme,+14155550101,\r\n' +
        'No Number,Acme,,\r\n' +
        'Bad Number,Acme,555-0199,\r\n' +
        '"Multi\nLine",Acme,+14155550102,ftp://x\r\n' +
        'Too,Many,Fields,,x\r\n' +
        'Duplicate,Acme,+14155552671,\r\n' +
        '"Müller, Jörg",,+49 30 1234567,\r\n';
      const report = await importDirectoryCsv(store.db, csv, 'merge');
      expect(report.applied).toBe(true);
      expect(report.imported).toBe(2);
      expect(report.rejected).toEqual([
        { line: 3, reason: 'no name' },
        { line: 4, reason: 'no number' },
        { line: 5, reason: expect.stringContaining('"555-0199" is not an E.164 number') },
        { line: 6, reason: expect.stringContaining('is not an http(s) URL') },
        { line: 8, reason: '5 fields, the header has 4' },
        { line: 9, reason: '+14155552671 is already on line 2' },
      ]);
      const ava = {
        name: 'Ava Thompson',
        company: 'Acme',
        recordUrl: 'https://crm.example.com/r/1',
      };
      expect(await lookupDirectory(store.db, '+14155552671')).toEqual(ava);
      expect(await lookupDirectory(store.db, '+14155550100')).toEqual(ava);
      expect(await lookupDirectory(store.db, '+49301234567')).toEqual({
        name: 'Müller, Jörg',
        company: null,
        recordUrl: null,
      });
      expect(await lookupDirectory(store.db, '+14155550101')).toBeUndefined();
    });

    it('merge updates the person with the same record URL and moves a number listed again', async () => {
      await importDirectoryCsv(
        store.db,
        HEADER +
          'Ava,Acme,+14155552671;+14155550100,https://crm.example.com/r/1\r\n' +
          'Ben,Beta,+14155550200,\r\n',
        'merge',
      );
      const report = await importDirectoryCsv(
        store.db,
        HEADER +
          'Ava Thompson,Acme Corp,+14155552671,https://crm.example.com/r/1\r\n' +
          'Cleo,Beta,+14155550200,\r\n',
        'merge',
      );
      expect(report).toMatchObject({ imported: 2, rejected: [], applied: true });
      expect((await lookupDirectory(store.db, '+14155552671'))?.name).toBe('Ava Thompson');
      // Merge keeps numbers the file does not mention.
      expect((await lookupDirectory(store.db, '+14155550100'))?.name).toBe('Ava Thompson');
      // Ben's only number moved to Cleo: Ben is gone.
      expect((await lookupDirectory(store.db, '+14155550200'))?.name).toBe('Cleo');
      expect(await countDirectory(store.db)).toEqual({ people: 2, numbers: 3 });
    });

    it('replace makes the directory exactly the file', async () => {
      await importDirectoryCsv(store.db, HEADER + 'Ava,Acme,+14155552671,\r\n', 'merge');
      const report = await importDirectoryCsv(
        store.db,
        HEADER + 'Dan,,+14155550300,\r\n',
        'replace',
      );
      expect(report).toMatchObject({ mode: 'replace', imported: 1, applied: true });
      expect(await lookupDirectory(store.db, '+14155552671')).toBeUndefined();
      expect((await lookupDirectory(store.db, '+14155550300'))?.name).toBe('Dan');
      expect(await countDirectory(store.db)).toEqual({ people: 1, numbers: 1 });
    });

    it.each([
      ['an empty file', '', 1, 'the file is empty'],
      ['a header without numbers', 'name,company\r\nAva,Acme\r\n', 1, 'name and numbers'],
      ['an unknown column', 'name,numbers,email\r\n', 1, 'unknown columns email'],
      ['no acceptable row', HEADER + ',,,\r\nx,,bad,\r\n', 3, 'is not an E.164 number'],
      ['an unclosed quote', HEADER + 'Ava,"Acme,+14155550000,\r\n', 2, 'not closed'],
    ])(
      'leaves the directory unchanged on %s, even in replace mode',
      async (_l, csv, line, reason) => {
        await importDirectoryCsv(store.db, HEADER + 'Ava,Acme,+14155552671,\r\n', 'merge');
        const report = await importDirectoryCsv(store.db, csv, 'replace');
        expect(report.applied).toBe(false);
        expect(report.imported).toBe(0);
        expect(report.rejected.at(-1)).toEqual({ line, reason: expect.stringContaining(reason) });
        expect((await lookupDirectory(store.db, '+14155552671'))?.name).toBe('Ava');
      },
    );

    it('names an answered inbound built-in call from a directory number, and only that', async () => {
      await importDirectoryCsv(store.db, HEADER + 'Ava Thompson,Acme,+14155552671,\r\n', 'merge');
      const record = (uuid: string, direction: 'inbound' | 'outbound', from: string) =>
        newCallRecord({
          uuid,
          provider: 'builtin',
          direction,
          agent: 'alex',
          from,
          to: 'agent:alex',
          status: 'ringing',
          now: 1000,
        });
      for (const [uuid, direction, from] of [
        ['in-known', 'inbound', 'tel:+14155552671'],
        ['in-unknown', 'inbound', 'tel:+14155559999'],
        ['out-known', 'outbound', 'tel:+14155552671'],
      ] as const) {
        const ringing = record(uuid, direction, from);
        await saveCallRecord(store, ringing, ['alex']);
        await saveCallRecord(store, { ...ringing, status: 'answered', answered_at: 2000 }, [
          'alex',
        ]);
        // The final record comes from the relay's copy (no name): it must not erase the name.
        await saveCallRecord(store, { ...ringing, status: 'completed', ended_at: 3000 }, ['alex']);
      }
      expect((await store.getCall('in-known'))?.contact_name).toBe('Ava Thompson');
      expect((await store.getCall('in-known'))?.status).toBe('completed');
      expect((await store.getCall('in-unknown'))?.contact_name ?? null).toBeNull();
      expect((await store.getCall('out-known'))?.contact_name ?? null).toBeNull();
    });
  });
});
