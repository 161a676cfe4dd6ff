import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, createSession } from '../agents';
import type { NewCall } from '../db/schema';
import { csvField } from '../export/callsCsv';
import { callRow, forEachEngine, makeTestApp, type TestApp } from '../testing/support';

/** An RFC 4180 parser (quoted fields, doubled quotes, CRLF records): reads the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '\n') throw new Error(`bare LF outside quotes at ${i}`);
    else field += ch;
  }
  if (field || row.length) throw new Error('last record not ended by CRLF');
  return rows;
}

const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const DAY = 86_400_000;

const call = (uuid: string, agent: string, created: number, extra: Partial<NewCall> = {}) =>
  callRow(uuid, created, { agent, from_addr: 'tel:+441234', ...extra });

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['山田 太郎', '山田 太郎'],
    ['+14155552671', '+14155552671'],
    ['-5', '-5'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+cmd|calc', "'+cmd|calc"],
    ['@SUM(A1)', "'@SUM(A1)"],
    [null, ''],
    [42, '42'],
  ])('%s → %s', (value, out) => {
    expect(csvField(value)).toBe(out);
  });
});

forEachEngine((engine) => {
  describe('GET /api/calls/export', () => {
    let t: TestApp;
    let alice: string;
    let boss: string;
    const tricky = 'Müller, "Hans"\r\n山田 太郎 — 张伟';

    beforeAll(async () => {
      t = await makeTestApp(engine);
      for (const name of ['alice', 'bob', 'boss'])
        await addAgent(t.store, name, { admin: name === 'boss' });
      const token = async (name: string) =>
        (await createSession(t.store, (await t.store.getAgentByName(name))!, 3600)).token;
      alice = await token('alice');
      boss = await token('boss');
      const rows = [
        call('a-1', 'alice', T0, { to_addr: tricky }),
        call('a-2', 'alice', T0 + DAY, { status: 'busy', answered_at: null, duration: null }),
        call('a-3', 'alice', T0 + 2 * DAY),
        call('b-1', 'bob', T0 + DAY, { from_addr: '=1+2' }),
        call('a-1-leg', 'alice', T0, { parent_uuid: 'a-1' }), // a second leg: not a row of its own
      ];
      // Enough rows to cross the store's page size (500) several times.
      for (let i = 0; i < 1234; i++)
        rows.push(call(`m-${String(i).padStart(4, '0')}`, 'bob', T0 + 10 * DAY + (i % 7)));
      await t.store.write(async (trx, notify) => {
        for (const row of rows) await t.store.changeCall(trx, notify, row.uuid, () => row);
      });
    });
    afterAll(() => t.close());

    const get = (query: string, token = alice) =>
      t.app.request(`/api/calls/export?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const csv = async (query: string, token = alice) => {
      const res = await get(query, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
      const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes)); // the decoder drops the BOM;
      expect(header![0]).toBe('Call ID');
      return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    };

    it('an agent gets their own calls, oldest first; names with commas, quotes, newlines and CJK round-trip', async () => {
      const rows = await csv('format=csv');
      expect(rows.map((r) => r['Call ID'])).toEqual(['a-1', 'a-2', 'a-3']);
      expect(rows[0]).toMatchObject({
        To: tricky,
        Agent: 'alice',
        Status: 'completed',
        'Duration (s)': '60',
        'Created (UTC)': '2026-11-01 09:00:00',
        'Ended (UTC)': '2026-11-01 09:01:05',
      });
      expect(rows[1]).toMatchObject({ Status: 'busy', 'Answered (UTC)': '', 'Duration (s)': '' });
    });

    it('admins get everyone, across pages, each record once; agent= narrows', async () => {
      const all = await csv('format=csv', boss);
      expect(all).toHaveLength(4 + 1234);
      expect(new Set(all.map((r) => r['Call ID'])).size).toBe(all.length);
      expect(all.find((r) => r['Call ID'] === 'b-1')!.From).toBe("'=1+2"); // not run as a formula
      const bobs = await csv('agent=bob', boss);
      expect(bobs).toHaveLength(1235);
      expect(bobs.every((r) => r.Agent === 'bob')).toBe(true);
    });

    it('filters by date (to= a day is inclusive) and status', async () => {
      const day = new Date(T0 + DAY).toISOString().slice(0, 10);
      expect((await csv(`from=${day}&to=${day}`, boss)).map((r) => r['Call ID'])).toEqual([
        'a-2',
        'b-1',
      ]);
      expect(
        (await csv(`from=${new Date(T0 + 2 * DAY).toISOString()}`)).map((r) => r['Call ID']),
      ).toEqual(['a-3']);
      expect((await csv('status=busy,missed')).map((r) => r['Call ID'])).toEqual(['a-2']);
      expect(await csv('status=missed')).toEqual([]);
    });

    it.each([
      ['format=xlsx', 400, /Unknown export format "xlsx": use format=csv/],
      ['from=yesterday', 400, /from and to take a date/],
      ['to=2026-13-45', 400, /from and to take a date/],
      ['from=2026-11-05&to=2026-11-01', 400, /from must be before to/],
      ['status=done', 400, /Unknown status done: use completed/],
      ['agent=bob', 403, /Agents export their own calls only/],
    ])('refuses %s', async (query, status, message) => {
      const res = await get(query);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    });

    it('needs a session', async () => {
      const res = await t.app.request('/api/calls/export?format=csv');
      expect(res.status).toBe(401);
    });
  });
});
