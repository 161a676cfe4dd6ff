// A hostile CRM page against the built test extension in headless Chromium: each test performs one
// attack from the page (issue 11, items 1–5), shows it does no harm, and shows the agent's own click
// still works. The call bar's shadow root stays closed here, as in every real build.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  agentClickAt,
  appState,
  endAnyCall,
  EXTENSION_ORIGIN,
  evaluateInContentScript,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  waitFor,
  SOFTPHONE_LINE,
  type Backend,
  type Browser,
} from './harness';

const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
/** How long a placed call takes to show up at the latest; "no call" is asserted after this. */
const NO_CALL_WAIT_MS = 2_500;

let backend: Backend;
let browser: Browser;
let softphone: Page;

beforeAll(async () => {
  backend = await startBackend();
  const agentKey = await backend.addAgent('agent1');
  const lineKey = await backend.addAgent('line1');
  browser = await launchBrowser({ closedShadowRoots: true });
  await signIn(browser, backend.url, agentKey);
  softphone = await openSoftphone(browser, backend.url, lineKey);
});
afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
});
afterEach(() => endAnyCall(browser, softphone));

async function crmPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${backend.url}/demo`);
  await page.locator(BUTTON).first().waitFor({ timeout: 15_000 });
  await page.bringToFront();
  return page;
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} has no box`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The id of the last call the agent had (a later call has another one). */
const lastCallId = async () => (await appState(await browser.extensionPage())).call?.callId ?? null;

/** No call was placed since `before`: the agent has no new call and the softphone never rang. */
async function expectNoCall(before: string | null): Promise<void> {
  await new Promise((r) => setTimeout(r, NO_CALL_WAIT_MS));
  const { call } = await appState(await browser.extensionPage());
  expect(call === null || (call.callId === before && call.phase === 'ended')).toBe(true);
  await expect(
    softphone.locator('[data-testid=softphone]').getAttribute('data-phase'),
  ).resolves.toBe('idle');
}

/** The agent's own click on the softphone's call button places the call. */
async function expectGenuineClickCalls(page: Page): Promise<void> {
  const { x, y } = await center(page, BUTTON);
  await agentClickAt(page, x, y);
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  expect((await appState(await browser.extensionPage())).call?.target).toMatchObject({
    e164: '+14155552671',
  });
}

/** The softphone calls the agent: a ringing incoming call. */
async function ringAgent(): Promise<void> {
  await softphone.getByRole('button', { name: 'Call the sales team' }).click();
  await waitFor(
    async () => (await appState(await browser.extensionPage())).call?.phase === 'incoming',
    15_000,
    'the incoming call',
  );
}

/** A control inside the call bar's closed shadow root, found from the content script's world. */
async function barControl(page: Page, name: string): Promise<{ x: number; y: number } | null> {
  return evaluateInContentScript(
    browser,
    page,
    `(() => {
      const host = document.querySelector('c2c-call-bar');
      const root = host && chrome.dom.openOrClosedShadowRoot(host);
      const button = root && [...root.querySelectorAll('button')].find((b) => b.textContent === ${JSON.stringify(name)});
      if (!button) return null;
      const r = button.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    })()`,
  );
}

/** What the call bar shows in this tab, read from the content script's world. */
const barText = (page: Page) =>
  evaluateInContentScript<string>(
    browser,
    page,
    `(() => { const h = document.querySelector('c2c-call-bar'); return (h && chrome.dom.openOrClosedShadowRoot(h)?.textContent) ?? ''; })()`,
  );

describe('a hostile CRM page cannot use the agent’s click', () => {
  it('1. clickjacking through page CSS: a blown-up, invisible call button over a link places no call', async () => {
    const page = await crmPage();
    const before = await lastCallId();
    await page.evaluate(() => {
      const link = document.createElement('a');
      link.id = 'continue';
      link.href = '#continue';
      link.textContent = 'Continue';
      link.style.cssText = 'position:fixed;left:600px;top:400px;font-size:24px;z-index:1';
      document.body.append(link);
      const style = document.createElement('style');
      style.textContent = `c2c-call { position: fixed !important; left: 0 !important; top: 0 !important;
        width: 1280px !important; height: 720px !important; opacity: 0 !important; z-index: 2147483647 !important; }`;
      document.head.append(style);
      for (const host of document.querySelectorAll<HTMLElement>('c2c-call'))
        host.style.setProperty('width', '1280px', 'important');
    });
    // The host keeps its own box: the page's rules, !important and inline, do not win.
    const box = await page.locator(BUTTON).first().boundingBox();
    expect(box && Math.round(box.width)).toBe(18);
    expect(box && Math.round(box.height)).toBe(18);
    const link = await center(page, '#continue');
    await agentClickAt(page, link.x, link.y);
    await expectNoCall(before);

    // Scaling a row up instead (its button then covers the screen at near-zero opacity): the click
    // lands on our button, but at a size and opacity the agent never saw.
    await page.evaluate(() => {
      const host = document.querySelector('[data-c2c-target="tel:+14155552671"]')!;
      const cell = host.parentElement!;
      const r = host.getBoundingClientRect();
      cell.style.cssText = `transform: scale(80); transform-origin: ${r.left - cell.getBoundingClientRect().left + 9}px ${r.top - cell.getBoundingClientRect().top + 9}px; opacity: 0.02; position: relative; z-index: 2147483647`;
    });
    await agentClickAt(page, link.x, link.y);
    await expectNoCall(before);
    await page.close();

    await expectGenuineClickCalls(await crmPage());
  });

  it('3. occlusion: a transparent or covered button under a look-alike box that lets clicks through places no call', async () => {
    const page = await crmPage();
    const before = await lastCallId();
    const { x, y } = await center(page, BUTTON);
    // A "Continue" box drawn over our button with pointer-events: none (hit-testing skips it, so
    // the click reaches our button), and the button's row faded out.
    await page.evaluate(
      ({ x, y }) => {
        const fake = document.createElement('div');
        fake.textContent = 'Continue';
        fake.style.cssText = `position:fixed;left:${x - 60}px;top:${y - 20}px;width:120px;height:40px;background:#0b6bcb;color:#fff;pointer-events:none;z-index:2147483647`;
        document.body.append(fake);
        document.querySelector<HTMLElement>(
          '[data-c2c-target="tel:+14155552671"]',
        )!.parentElement!.style.opacity = '0.05';
      },
      { x, y },
    );
    await agentClickAt(page, x, y);
    await expectNoCall(before);
    // Fully opaque again, but still covered by the look-alike box.
    await page.evaluate(() => {
      document.querySelector<HTMLElement>(
        '[data-c2c-target="tel:+14155552671"]',
      )!.parentElement!.style.opacity = '1';
    });
    await agentClickAt(page, x, y);
    await expectNoCall(before);
    await page.close();

    await expectGenuineClickCalls(await crmPage());
  });

  it('4. a button moved next to another number places no call and is decorated again', async () => {
    const page = await crmPage();
    const before = await lastCallId();
    // Move Ava's button (tel:+14155552671) behind Liam's number link.
    await page.evaluate(() => {
      const host = document.querySelector('[data-c2c-target="tel:+14155552671"]')!;
      document.querySelector('a[href="tel:4155550134"]')!.after(host);
    });
    const moved = await page.evaluate(() => {
      const host = document.querySelector('a[href="tel:4155550134"]')!.nextElementSibling!;
      const r = host.getBoundingClientRect();
      return {
        uri: host.getAttribute('data-c2c-target'),
        x: r.left + r.width / 2,
        y: r.top + r.height / 2,
      };
    });
    expect(moved.uri).toBe(SOFTPHONE_LINE);
    await agentClickAt(page, moved.x, moved.y);
    await expectNoCall(before);
    // Each number has its own button again: Liam's row none of Ava's, Ava's row hers.
    await waitFor(
      async () =>
        page.evaluate(
          () =>
            !document
              .querySelector('a[href="tel:4155550134"]')!
              .closest('td')!
              .querySelector('[data-c2c-target="tel:+14155552671"]') &&
            document.querySelectorAll('[data-c2c-target="tel:+14155552671"]').length === 1,
        ),
      5_000,
      'the buttons decorated again',
    );
    await expectGenuineClickCalls(page);
  });

  it('4. a number rewritten beside its button as the agent clicks places no call', async () => {
    const page = await crmPage();
    const before = await lastCallId();
    // The page rewrites one digit group of Ava's number in its own click listener, which runs before
    // ours: the button would dial the number the text no longer shows.
    await page.evaluate(() => {
      const cell = [...document.querySelectorAll('td.phone')].find(
        (td) => td.firstChild?.textContent === '+1 415 555 2671',
      )!;
      addEventListener(
        'click',
        () => {
          (cell.firstChild as Text).data = '+1 415 555 2699';
        },
        { capture: true, once: true },
      );
    });
    const { x, y } = await center(page, BUTTON);
    await agentClickAt(page, x, y);
    await expectNoCall(before);
    // The rewritten number gets its own button; written back, Ava's number gets hers, which calls.
    await waitFor(
      async () =>
        page.evaluate(
          () =>
            document.querySelectorAll('[data-c2c-target="tel:+14155552699"]').length === 1 &&
            !document.querySelector('[data-c2c-target="tel:+14155552671"]'),
        ),
      5_000,
      'the rewritten number decorated',
    );
    await page.evaluate(() => {
      const host = document.querySelector('[data-c2c-target="tel:+14155552699"]')!;
      (host.previousSibling as Text).data = '+1 415 555 2671';
    });
    await waitFor(
      async () =>
        page.evaluate(
          () => document.querySelectorAll('[data-c2c-target="tel:+14155552671"]').length === 1,
        ),
      5_000,
      'the number written back decorated',
    );
    await expectGenuineClickCalls(page);
  });
});

describe('the call bar: closed to the page, details only where the agent needs them', () => {
  it('2. the page cannot read the live call; another CRM tab is not shown it', async () => {
    const page = await crmPage();
    await expectGenuineClickCalls(page);
    await waitFor(async () => (await barText(page)).includes('Ava Thompson'), 10_000, 'the bar');
    // The page's own world sees a host with a closed root and nothing in it.
    const seen = await page.evaluate(() => {
      const host = document.querySelector('c2c-call-bar');
      return {
        host: Boolean(host),
        open: Boolean(host?.shadowRoot),
        text: document.documentElement.innerText + (host?.textContent ?? ''),
      };
    });
    expect(seen).toMatchObject({ host: true, open: false });
    expect(seen.text).not.toMatch(/Ava Thompson.*(Ringing|Connecting|Calling)/s);
    expect(seen.text).not.toContain('Hang up');

    // A second CRM tab (another site in the agent's browser could be hostile) gets no call details.
    const other = await browser.context.newPage();
    await other.goto(`${backend.url}/demo`);
    await other.locator(BUTTON).first().waitFor({ timeout: 15_000 });
    await other.bringToFront();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await barText(other)).not.toContain('Ava Thompson');
    expect(await barText(other)).not.toContain('415');
    await other.close();
    await page.close();
  });

  it('2/3. a restyled call bar does not answer a ringing call on a click meant for the page; the agent’s click does', async () => {
    const page = await crmPage();
    await ringAgent();
    await waitFor(async () => barControl(page, 'Answer'), 10_000, 'Answer in the call bar');
    // The page blows its body up and fades it so Answer covers the screen, then the agent clicks
    // what looks like an empty spot.
    const answer = (await barControl(page, 'Answer'))!;
    await page.evaluate(({ x, y }) => {
      document.documentElement.style.cssText = `transform: scale(30); transform-origin: ${x}px ${y}px; opacity: 0.02`;
    }, answer);
    await agentClickAt(page, 200, 200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await appState(await browser.extensionPage())).call?.phase).toBe('incoming');

    // Covered by a look-alike box that lets clicks through: still not answered.
    await page.evaluate(({ x, y }) => {
      document.documentElement.style.cssText = '';
      const fake = document.createElement('div');
      fake.textContent = 'Continue';
      fake.style.cssText = `position:fixed;left:${x - 80}px;top:${y - 30}px;width:160px;height:60px;background:#fff;pointer-events:none;z-index:2147483647`;
      document.body.append(fake);
    }, answer);
    await agentClickAt(page, answer.x, answer.y);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await appState(await browser.extensionPage())).call?.phase).toBe('incoming');
    // A page script's click on the host does nothing either.
    await page.evaluate(() => document.querySelector<HTMLElement>('c2c-call-bar')!.click());

    // Uncovered, the agent's own click answers.
    await page.evaluate(() =>
      document.querySelectorAll('body > div:last-child').forEach((d) => d.remove()),
    );
    await agentClickAt(page, answer.x, answer.y);
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call?.phase === 'active',
      15_000,
      'the call answered',
    );
    await page.close();
  });
});

describe('a page cannot tell the extension is installed', () => {
  it('6. the one web-accessible file (the number types) answers no page at its static URL', async () => {
    const page = await crmPage();
    // A page probing for extensions fetches their well-known resources by the fixed id.
    const probed = await page.evaluate(async (url) => {
      try {
        const res = await fetch(url);
        return `answered ${res.status}`;
      } catch (error) {
        return `refused: ${String(error)}`;
      }
    }, `${EXTENSION_ORIGIN}/number-types.json`);
    expect(probed).toMatch(/^refused/);
    // The content script reaches it (its dynamic URL): the numbers on the page have buttons.
    await expect.poll(() => page.locator(BUTTON).count()).toBeGreaterThan(0);
    await page.close();
  });
});

describe('secrets are out of the content script’s reach', () => {
  it('5. neither storage area gives the content-script world the session token or the app state', async () => {
    const ext = await browser.extensionPage();
    const token = await ext.evaluate(
      async () => ((await chrome.storage.local.get('auth')).auth as { token: string }).token,
    );
    expect(token.length).toBeGreaterThan(10);
    const page = await crmPage();
    const read = await evaluateInContentScript<{ local: string; session: string }>(
      browser,
      page,
      `(async () => {
        const attempt = async (area) => {
          try { return JSON.stringify(await chrome.storage[area].get(null)); }
          catch (e) { return 'refused: ' + String(e && e.message); }
        };
        return { local: await attempt('local'), session: await attempt('session') };
      })()`,
    );
    expect(read.local).not.toContain(token);
    expect(read.local).toMatch(/^refused/);
    expect(read.session).toMatch(/^refused/);
    // Nor does it reach the page.
    expect(await page.content()).not.toContain(token);
    // The content script still works: its settings came by message, and a click calls.
    await expectGenuineClickCalls(page);
    await page.close();
  });
});
