// Detection in Chromium with the built extension: a React (preact/compat) list that re-renders,
// reorders and edits rows after decoration; buttons stay right, no console errors, and only a
// trusted click places a call (a page script's synthetic click does not).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { crmListPage } from '../fixtures/crmList';
import {
  buttonCentreInComponents,
  buttonsInComponents,
  serveComponentList,
  COMPONENT_ROWS,
} from '../fixtures/componentList';
import {
  buttonCentreInFrame,
  buttonsInFrame,
  setFrameOpacity,
  serveFrameList,
  ACCOUNT_NAME,
  FRAME_BUTTONS,
  TOP_NUMBER,
} from '../fixtures/frameList';
import {
  agentClickAt,
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
import {
  buttonsInPage,
  expectedButtons,
  ROWS,
  serveReactList,
  type Row,
} from '../fixtures/reactList';

let backend: Backend;
let browser: Browser;
let list: { url: string; close(): void };
let pageUrl: string;
let agentKey: string;
let lineKey: string;

beforeAll(async () => {
  list = await serveReactList();
  pageUrl = list.url;
  backend = await startBackend();
  agentKey = await backend.addAgent('detect-agent');
  lineKey = await backend.addAgent('detect-line');
  browser = await launchBrowser();
  await signIn(browser, backend.url, agentKey);
});

afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
  list?.close();
});

function buttons(page: Page) {
  return page.evaluate(buttonsInPage);
}

async function expectButtons(page: Page, rows: Row[]) {
  const want = expectedButtons(rows);
  await waitFor(
    async () => JSON.stringify(await buttons(page)) === JSON.stringify(want),
    10_000,
    `buttons ${JSON.stringify(want.map((w) => w.uri))}`,
  ).catch(async (error: unknown) => {
    expect(await buttons(page), String(error)).toEqual(want);
  });
}

/** The softphone line rings and the agent has a call; it is hung up and gone. */
async function ringsThenHangUp(softphone: Page, ext: Page) {
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  await waitFor(async () => (await appState(ext)).call, 10_000, 'a call');
  await backgroundRequest(ext, 'hangup').catch(() => undefined);
  await waitFor(async () => (await appState(ext)).call === null, 15_000, 'call ended');
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

  it('on a long list (no click-guard state until the pointer comes) a real click far down calls; a script click and a covered one do not', async () => {
    // More than 200 buttons: the guard keeps no state for a button until the pointer or focus
    // first comes to it (src/content/clickGuard.ts). The line's number is the last row's.
    const long = await browser.context.newPage();
    const url = new URL('/long-list', pageUrl).href;
    const last = `<tr><td>Softphone Line</td><td class="phone">(415) 555-2671</td></tr>`;
    await long.route(url, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: crmListPage(150).replace('</tbody>', `${last}</tbody>`),
      }),
    );
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const ext = await browser.extensionPage();
    try {
      await long.goto(url);
      await long.bringToFront();
      const selector = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
      await waitFor(
        async () =>
          (await long.locator('c2c-call').count()) > 250 &&
          (await long.locator(selector).count()) === 1,
        20_000,
        'the long list decorated',
      );
      await long.evaluate((sel) => (document.querySelector(sel) as HTMLElement).click(), selector);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await appState(ext)).call).toBeNull();

      const host = long.locator(selector);
      await host.scrollIntoViewIfNeeded();
      const box = (await host.boundingBox())!;
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      // Such a button is found from its host when the pointer comes (no entry of its own): the
      // occlusion check still holds for it. A look-alike box over it lets the click through.
      await long.evaluate(
        ({ x, y }) => {
          const fake = document.createElement('div');
          fake.id = 'fake';
          fake.style.cssText = `position:fixed;left:${x - 30}px;top:${y - 15}px;width:60px;height:30px;background:#0b6bcb;pointer-events:none;z-index:2147483647`;
          document.body.append(fake);
        },
        { x, y },
      );
      await agentClickAt(long, x, y);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await appState(ext)).call).toBeNull();
      await long.evaluate(() => document.getElementById('fake')!.remove());
      await agentClickAt(long, x, y);
      await ringsThenHangUp(softphone, ext);
    } finally {
      await softphone.close();
      await long.close();
    }
  });

  it('a long list still loading has buttons at its top, and a real click on one calls', async () => {
    // The server sends the top of the list and holds the rest back: the page stays loading (no
    // DOMContentLoaded) until it is let go (features/earlyTop.ts).
    const line = `<tr><td>Softphone Line</td><td class="phone">(415) 555-2671</td></tr>`;
    const html = crmListPage(400).replace('<tbody id="rows">', `<tbody id="rows">${line}`);
    let cut = 0;
    for (let i = 0; i < 120; i++) cut = html.indexOf('<tr>', cut + 1);
    let release = () => undefined as void;
    const released = new Promise<void>((r) => (release = r));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write(html.slice(0, cut));
      void released.then(() => res.end(html.slice(cut)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://localhost:${(server.address() as AddressInfo).port}/streamed-list`;
    const streamed = await browser.context.newPage();
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const ext = await browser.extensionPage();
    const selector = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
    try {
      await streamed.goto(url, { waitUntil: 'commit' });
      await streamed.bringToFront();
      await waitFor(
        async () => (await streamed.locator(selector).count()) === 1,
        20_000,
        'a button at the top while the page loads',
      );
      expect(await streamed.evaluate(() => document.readyState)).toBe('loading');
      const box = (await streamed.locator(selector).boundingBox())!;
      await agentClickAt(streamed, box.x + box.width / 2, box.y + box.height / 2);
      await ringsThenHangUp(softphone, ext);
      // Let the rest come: the decorator takes the early buttons over (one each, not two).
      release();
      await streamed.waitForLoadState('load');
      await waitFor(
        async () => (await streamed.locator('c2c-call').count()) === 2 * 400 + 1,
        20_000,
        'every number of the list decorated once',
      );
      expect(await streamed.locator(selector).count()).toBe(1);
    } finally {
      release();
      await softphone.close();
      await streamed.close();
      server.close();
    }
  });

  it("numbers in the page's web components (open and closed shadow roots, defined late) get buttons that follow the component; a real click calls, a covered one does not", async () => {
    const server = await serveComponentList();
    const components = await browser.context.newPage();
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const ext = await browser.extensionPage();
    const want = COMPONENT_ROWS.map((r) => r.uri);
    try {
      await components.goto(server.url);
      await components.bringToFront();
      await waitFor(
        async () =>
          JSON.stringify(await components.evaluate(buttonsInComponents)) === JSON.stringify(want),
        15_000,
        `buttons ${JSON.stringify(want)} in the components`,
      );
      // A row the component adds later, inside its own root.
      await components.evaluate(() =>
        (window as unknown as { addContact(n: string, p: string): void }).addContact(
          'Late Row',
          '(646) 555-0199',
        ),
      );
      await waitFor(
        async () => (await components.evaluate(buttonsInComponents)).length === want.length + 1,
        10_000,
        'a button for the row added inside the component',
      );
      expect((await components.evaluate(buttonsInComponents)).at(-1)).toBe('tel:+16465550199');

      // The line's number is in a phone component's closed root (Playwright's locators only go
      // through open ones): the page's own helper finds it.
      const { x, y } = (await components.evaluate(buttonCentreInComponents, SOFTPHONE_LINE))!;
      // A look-alike box the component draws over the button inside the same root: the click
      // passes through it (pointer-events: none) and must not call.
      await components.evaluate(
        ({ x, y }) => {
          const row = document.querySelector('c-contact-list')!.shadowRoot!;
          const fake = document.createElement('div');
          fake.id = 'fake';
          fake.style.cssText = `position:fixed;left:${x - 30}px;top:${y - 15}px;width:60px;height:30px;background:#0b6bcb;pointer-events:none;z-index:2147483647`;
          row.append(fake);
        },
        { x, y },
      );
      await agentClickAt(components, x, y);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await appState(ext)).call).toBeNull();
      await components.evaluate(() =>
        document.querySelector('c-contact-list')!.shadowRoot!.getElementById('fake')!.remove(),
      );
      await agentClickAt(components, x, y);
      // The call is named from the row component's cells, in another root than the button's host.
      const call = await waitFor(async () => (await appState(ext)).call, 15_000, 'a call');
      expect(call.displayName).toBe('Softphone Line');
      await ringsThenHangUp(softphone, ext);
    } finally {
      await softphone.close();
      await components.close();
      server.close();
    }
  });

  it("numbers in the page's frames of its own origin get buttons, not in another origin's; a real click calls, one on a frame the page made see-through does not", async () => {
    const sites = await serveFrameList();
    const crm = await browser.context.newPage();
    const prize = await browser.context.newPage();
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const ext = await browser.extensionPage();
    /** Our buttons in a frame's own document, asked there (another origin's cannot be read from the top). */
    const countIn = (page: Page, name: string) =>
      page.frame({ name })!.evaluate(() => document.querySelectorAll('c2c-call').length);
    try {
      await crm.goto(sites.crm);
      await crm.bringToFront();
      const want = FRAME_BUTTONS;
      await waitFor(
        async () =>
          JSON.stringify(await crm.evaluate(buttonsInFrame, 'same')) === JSON.stringify(want),
        15_000,
        `buttons ${JSON.stringify(want)} in the frame of the page's origin`,
      );
      await crm.locator(`[data-c2c-target="${TOP_NUMBER.uri}"]`).waitFor({ timeout: 10_000 });
      // The other origin's frame loaded with the page and holds the same list; it stays bare.
      await crm.frame({ name: 'foreign' })!.waitForLoadState('load');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await countIn(crm, 'foreign')).toBe(0);

      // The page makes the frame see-through over its own look-alike: the agent's click is for the
      // page, not a call.
      const at = (await crm.evaluate(buttonCentreInFrame, ['same', SOFTPHONE_LINE] as [
        string,
        string,
      ]))!;
      await crm.evaluate(setFrameOpacity, ['same', '0'] as [string, string]);
      await agentClickAt(crm, at.x, at.y);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await appState(ext)).call).toBeNull();
      await crm.evaluate(setFrameOpacity, ['same', ''] as [string, string]);
      await agentClickAt(crm, at.x, at.y);
      const call = await waitFor(async () => (await appState(ext)).call, 15_000, 'a call');
      // The main line has no name in the frame: the page around the frame names the call.
      expect(call.displayName).toBe(ACCOUNT_NAME);
      await ringsThenHangUp(softphone, ext);

      // A page of an origin we do not run on frames the CRM's list: nothing there is ours.
      await prize.goto(sites.hostile);
      await prize.frame({ name: 'framed' })!.waitForLoadState('load');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await countIn(prize, 'framed')).toBe(0);
    } finally {
      await softphone.close();
      await prize.close();
      await crm.close();
      sites.close();
    }
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
