// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import type { LearnedContact } from '../../messaging/background';
import { createPage } from '../decorate/page';
import { manualScheduler } from '../decorate/testing';
import * as phoneButtons from './phoneButtons';
import * as learnContacts from './learnContacts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(ready: () => boolean, timeoutMs = 5000) {
  for (const start = Date.now(); !ready(); await wait(10))
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
}

function setup(html: string, sendIntervalMs = 0) {
  document.body.innerHTML = html;
  document.title = 'Contacts | Demo CRM';
  const controller = new AbortController();
  const scheduler = manualScheduler();
  const page = createPage({
    document,
    settings: { ...DEFAULT_SETTINGS, defaultCountry: 'US' },
    signal: controller.signal,
    onCall: () => undefined,
    scheduler,
    visibleFirst: false,
  })!;
  const batches: LearnedContact[][] = [];
  phoneButtons.init(controller.signal, page);
  learnContacts.init(controller.signal, page, (entries) => batches.push(entries), {
    scanDelayMs: 0,
    sendIntervalMs,
  });
  scheduler.flush();
  return { controller, scheduler, batches };
}

let stop: AbortController | undefined;
afterEach(() => stop?.abort());

describe('learnContacts', () => {
  it('sends each decorated number with its row name, the row’s record link and the title', async () => {
    const t = setup(`<table>
      <tr><td><a href="https://crm.example.com/r/1">Ava Thompson</a></td><td>+1 415 555 2671</td></tr>
      <tr><td>Ben Ortiz</td><td>(415) 555-0100</td></tr>
      <tr><td>12345</td><td>+1 415 555 0111 ext. 3</td></tr>
    </table>`);
    stop = t.controller;
    await until(() => t.batches.length > 0);
    await wait(50);
    expect(t.batches.flat()).toEqual([
      {
        number: '+14155552671',
        name: 'Ava Thompson',
        url: 'https://crm.example.com/r/1',
        title: 'Contacts | Demo CRM',
      },
      {
        number: '+14155550100',
        name: 'Ben Ortiz',
        url: document.location.href,
        title: 'Contacts | Demo CRM',
      },
    ]);
  });

  it('learns rows added later once, in batches of at most 100, throttled', async () => {
    const letters = (n: number) =>
      [n % 26, Math.floor(n / 26) % 26, Math.floor(n / 676) % 26]
        .map((d) => String.fromCharCode(97 + d))
        .join('');
    const rows = (from: number, n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          `<li><b>Person ${letters(from + i)}</b> <span>+1 415 555 ${String(from + i).padStart(4, '0')}</span></li>`,
      ).join('');
    const t = setup(`<ul id="t">${rows(1000, 150)}</ul>`, 300);
    stop = t.controller;
    const sizes = () => t.batches.map((b) => b.length);
    const learned = () => t.batches.flat().length;
    // Every decorated number of the page, once (the detector decides which of them are numbers).
    const decorated = document.querySelectorAll('c2c-call').length;
    expect(decorated).toBeGreaterThan(140);
    const start = Date.now();
    await until(() => learned() === decorated);
    // In batches of at most 100, at most one per 300 ms.
    expect(sizes().every((n) => n <= 100)).toBe(true);
    expect(t.batches.length).toBeGreaterThan(1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(300 * (t.batches.length - 1) - 50);
    const before = t.batches.length;
    document.getElementById('t')!.insertAdjacentHTML('beforeend', rows(2000, 1));
    await wait(0);
    t.scheduler.flush();
    await until(() => t.batches.length > before);
    expect(sizes().at(-1)).toBe(1);
    expect(t.batches.at(-1)![0]!.name).toBe(`Person ${letters(2000)}`);
    expect(new Set(t.batches.flat().map((e) => e.number)).size).toBe(decorated + 1);
  });

  it('a row the page renders again is not sent again; the same number under another name is', async () => {
    const row = (name: string) => `<tr><td>${name}</td><td>+1 415 555 2671</td></tr>`;
    const t = setup(`<table><tbody id="t">${row('Ava Thompson')}</tbody></table>`);
    stop = t.controller;
    await until(() => t.batches.length === 1);
    const rerender = async (html: string) => {
      document.getElementById('t')!.innerHTML = html;
      await wait(0);
      t.scheduler.flush();
      await wait(50);
    };
    await rerender(row('Ava Thompson'));
    expect(document.querySelectorAll('c2c-call').length).toBe(1);
    expect(t.batches.flat().map((e) => e.name)).toEqual(['Ava Thompson']);
    await rerender(row('Ava Thompson-Reyes'));
    await until(() => t.batches.length === 2);
    expect(t.batches.flat().map((e) => e.name)).toEqual(['Ava Thompson', 'Ava Thompson-Reyes']);
  });

  it('reads the buttons one batch ahead of sending, not the whole list at once', async () => {
    const rows = Array.from(
      { length: 250 },
      (_, i) =>
        `<tr><td class="n">Person ${String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26))}</td><td>+1 415 555 ${String(i).padStart(4, '0')}</td></tr>`,
    ).join('');
    const t = setup(`<table>${rows}</table>`, 400);
    stop = t.controller;
    await until(() => t.batches.length === 1);
    // Rows renamed after the first batch went out: those not read yet are sent as they are now.
    for (const cell of document.querySelectorAll('td.n'))
      cell.textContent = `Renamed ${cell.textContent}`;
    await until(() => t.batches.flat().length === 250, 10_000);
    const first = t.batches[0]!;
    const unrenamed = t.batches.flat().filter((e) => e.name.startsWith('Person'));
    expect(first.every((e) => e.name.startsWith('Person'))).toBe(true);
    // At most one batch more was read while the first waited to go out; the rest only later.
    expect(unrenamed.length).toBeLessThanOrEqual(first.length + 100);
    expect(t.batches.flat().filter((e) => e.name.startsWith('Renamed Person')).length).toBe(
      250 - unrenamed.length,
    );
    expect(t.batches.every((b) => b.length <= 100)).toBe(true);
  });

  it('keys what it sent by number, name and record: equal for equal, apart for any other', () => {
    const { learnedKey } = learnContacts;
    const key = learnedKey('+14155552671', 'Ava Thompson', 'https://crm.example.com/r/1');
    expect(learnedKey('+14155552671', 'Ava Thompson', 'https://crm.example.com/r/1')).toBe(key);
    expect(Number.isSafeInteger(key)).toBe(true);
    const others = [
      learnedKey('+14155552672', 'Ava Thompson', 'https://crm.example.com/r/1'),
      learnedKey('+14155552671', 'Ava Thompso', 'nhttps://crm.example.com/r/1'),
      learnedKey('+14155552671', 'Ava Thompson', 'https://crm.example.com/r/2'),
      learnedKey('+14155552671Ava Thompson', '', 'https://crm.example.com/r/1'),
    ];
    expect(new Set([key, ...others]).size).toBe(5);
    // 20,000 rows' keys, all apart.
    const many = new Set<number>();
    for (let i = 0; i < 20_000; i++)
      many.add(
        learnedKey(`+1415555${String(i).padStart(4, '0')}`, `Person ${i % 977}`, `u${i % 31}`),
      );
    expect(many.size).toBe(20_000);
  });

  it('sends nothing after the signal aborts', async () => {
    const t = setup('<p><b>Ava Thompson</b> +1 415 555 2671</p>');
    t.controller.abort();
    await wait(50);
    expect(t.batches).toEqual([]);
  });

  it('reads in short slices even when the browser says there is time left (an idle callback run by its timeout)', async () => {
    const w = window as unknown as { requestIdleCallback?: unknown };
    const original = w.requestIdleCallback;
    let slices = 0;
    w.requestIdleCallback = (cb: (d: { timeRemaining(): number; didTimeout: boolean }) => void) =>
      setTimeout(() => {
        slices++;
        cb({ timeRemaining: () => 50, didTimeout: true }); // never counts down
      }, 0);
    try {
      const rows = Array.from(
        { length: 400 },
        (_, i) =>
          `<tr><td>Person ${String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26))}</td><td>+1 415 555 ${String(i).padStart(4, '0')}</td></tr>`,
      ).join('');
      const t = setup(`<table>${rows}</table>`);
      stop = t.controller;
      const decorated = document.querySelectorAll('c2c-call').length;
      expect(decorated).toBeGreaterThan(100);
      await until(() => t.batches.flat().length === decorated, 20_000);
      // Each slice stopped on its own clock (8 ms): many slices, not one for the whole page.
      expect(slices).toBeGreaterThan(3);
    } finally {
      w.requestIdleCallback = original;
    }
  });
});
