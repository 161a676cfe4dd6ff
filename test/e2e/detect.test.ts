// Detection in Chromium with the built extension: a React (preact/compat) list that re-renders,
// reorders and edits rows after decoration; buttons stay right, no console errors, and only a
// trusted click places a call (a page script's synthetic click does not).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  appState,
  backgroundRequest,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  waitFor,
  SOFTPHONE_LINE,
  type Backend,
  type Browser,
} from './harness';

interface Row {
  id: number;
  name: string;
  phone: string;
  /** The `data-c2c-target` the phone cell must get. */
  uri: string;
}

const ROWS: Row[] = [
  { id: 1, name: 'Softphone Line', phone: '(415) 555-2671', uri: SOFTPHONE_LINE },
  { id: 2, name: 'Jane Doe', phone: '+44 20 7946 0958', uri: 'tel:+442079460958' },
  { id: 3, name: 'Carlos Garcia', phone: '212-555-0143 x12', uri: 'tel:+12125550143;ext=12' },
  { id: 4, name: 'Aiko Tanaka', phone: '+81 3-1234-5678', uri: 'tel:+81312345678' },
];

// The page: a list rendered with preact/compat (React's API), driven from the test through window.crm.
const APP = `
import { createElement as h, useState, useReducer } from 'preact/compat';
import { render } from 'preact/compat';
function App({ initial }) {
  const [rows, setRows] = useState(initial);
  const [, rerender] = useReducer((n) => n + 1, 0);
  window.crm = {
    setRows: (next) => setRows(next.map((r) => ({ ...r }))),
    rerender: () => rerender(),
    rows: () => rows,
  };
  return h('main', null,
    h('h1', null, 'Contacts'),
    h('table', null, h('tbody', null, rows.map((r) =>
      h('tr', { key: r.id, 'data-id': r.id },
        h('th', { scope: 'row' }, r.name),
        h('td', { className: 'phone' }, r.phone),
        h('td', null, 'Order #4155550123'),
        h('td', null, '2024-03-15'))))),
    h('p', { className: 'split' }, h('span', null, '+1'), ' ', h('span', null, '650 555 0188')));
}
render(h(App, { initial: window.__rows }), document.getElementById('root'));
`;

let backend: Backend;
let browser: Browser;
let server: Server;
let pageUrl: string;
let agentKey: string;
let lineKey: string;

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: APP, resolveDir: resolve('.'), loader: 'js' },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>React CRM</title></head>
<body><div id="root"></div><script>window.__rows = ${JSON.stringify(ROWS)};</script>
<script>${bundle.outputFiles[0]!.text}</script></body></html>`;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Content scripts match http://127.0.0.1/* in test builds (any port).
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm`;
  backend = await startBackend();
  agentKey = await backend.addAgent('detect-agent');
  lineKey = await backend.addAgent('detect-line');
  browser = await launchBrowser();
  await signIn(browser, backend.url, agentKey);
});

afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
  server?.close();
});

/** Buttons in document order, each with the text of the cell it follows. */
function buttons(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-c2c-target]')).map((el) => ({
      uri: el.getAttribute('data-c2c-target'),
      after: el.previousSibling?.textContent ?? null,
      row: el.closest('tr')?.getAttribute('data-id') ?? null,
    })),
  );
}

function expected(rows: Row[]) {
  return [
    ...rows.map((r) => ({ uri: r.uri, after: r.phone, row: String(r.id) })),
    { uri: 'tel:+16505550188', after: '650 555 0188', row: null },
  ];
}

async function expectButtons(page: Page, rows: Row[]) {
  const want = expected(rows);
  await waitFor(
    async () => JSON.stringify(await buttons(page)) === JSON.stringify(want),
    10_000,
    `buttons ${JSON.stringify(want.map((w) => w.uri))}`,
  ).catch(async (error: unknown) => {
    expect(await buttons(page), String(error)).toEqual(want);
  });
}

describe('detection on a React-rendered list', () => {
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pageUrl);
  });

  it('decorates the rendered rows (not the order numbers or dates)', async () => {
    await expectButtons(page, ROWS);
  });

  it('keeps the buttons right through re-render, reorder, edit, removal and addition', async () => {
    await page.evaluate(() => (window as unknown as { crm: { rerender(): void } }).crm.rerender());
    await expectButtons(page, ROWS);

    const reversed = [...ROWS].reverse();
    await page.evaluate(
      (rows) => (window as unknown as { crm: { setRows(r: unknown): void } }).crm.setRows(rows),
      reversed,
    );
    await expectButtons(page, reversed);

    const edited = reversed.map((r) =>
      r.id === 2 ? { ...r, phone: '+44 20 7946 0123', uri: 'tel:+442079460123' } : r,
    );
    await page.evaluate(
      (rows) => (window as unknown as { crm: { setRows(r: unknown): void } }).crm.setRows(rows),
      edited,
    );
    await expectButtons(page, edited);

    const changed = [
      ...edited.filter((r) => r.id !== 3),
      { id: 5, name: 'Priya Patel', phone: '617.555.0199', uri: 'tel:+16175550199' },
    ];
    await page.evaluate(
      (rows) => (window as unknown as { crm: { setRows(r: unknown): void } }).crm.setRows(rows),
      changed,
    );
    await expectButtons(page, changed);

    // Back to the original order: React moves the same rows (with our buttons inside) around.
    await page.evaluate(
      (rows) => (window as unknown as { crm: { setRows(r: unknown): void } }).crm.setRows(rows),
      ROWS,
    );
    await expectButtons(page, ROWS);
  });

  it('buttons are named for assistive tech, reachable by keyboard, hidden in print', async () => {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string } }[];
    };
    await cdp.detach();
    const names = nodes.filter((n) => n.role?.value === 'button').map((n) => n.name?.value);
    expect(names).toEqual(
      expect.arrayContaining([
        'Call +1 415 555 2671',
        'Call +44 20 7946 0958',
        'Call +1 212 555 0143 ext. 12',
      ]),
    );
    let focused: string | null = null;
    for (let i = 0; i < 10 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        () => document.activeElement?.getAttribute('data-c2c-target') ?? null,
      );
    }
    expect(focused).toBe(SOFTPHONE_LINE);
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-c2c-target]')).map(
        (el) => getComputedStyle(el).display,
      ),
    );
    await page.emulateMedia({ media: 'screen' });
    expect(new Set(printed)).toEqual(new Set(['none']));
  });

  it('page script synthetic clicks place no call; a real click does', async () => {
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const ext = await browser.extensionPage();
    const selector = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
    await page.evaluate((sel) => {
      const host = document.querySelector(sel) as HTMLElement;
      host.click();
      host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }, selector);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await appState(ext)).call).toBeNull();
    await expect(
      softphone.locator('[data-testid=softphone]').getAttribute('data-phase'),
    ).resolves.toBe('idle');

    await page.bringToFront();
    await page.locator(selector).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    const call = await waitFor(async () => (await appState(ext)).call, 10_000, 'a call');
    expect(call).toMatchObject({ direction: 'outbound' });
    await backgroundRequest(ext, 'hangup').catch(() => undefined);
    await waitFor(async () => (await appState(ext)).call === null, 15_000, 'call ended');
    await softphone.close();
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
