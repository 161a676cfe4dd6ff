// The agent's desk in headless Firefox ESR: real (trusted) clicks on the in-page call bar's Mute and
// Hang up during a built-in call, caller ID (an incoming call from a number on an open CRM page
// shows its name in the bar) and presence (Away chosen in the popup reaches the backend). One
// browser for the file. The test build's call bar opens its shadow root when extension storage asks
// (a page cannot): puppeteer cannot see into a closed one; the clicks are real input either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import en from '../../src/locales/en/core.json';
import { agentLooks, startBackend, waitFor, SOFTPHONE_LINE, type Backend } from './harness';
import {
  clickSoftphoneButton,
  ffAppState,
  ffBackgroundRequest,
  ffOpenSoftphone,
  ffSignIn,
  launchFirefox,
  newTab,
  waitForSelector,
  type FirefoxBrowser,
} from './firefoxHarness';

const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
/** The bar's panel (inside its shadow root) in a given phase. */
const barIn = (phase: string) => `c2c-call-bar >>> [data-phase=${phase}]`;

let backend: Backend;
let ff: FirefoxBrowser;
let agentKey: string;
let softphone: Page;

beforeAll(async () => {
  backend = await startBackend();
  agentKey = await backend.addAgent('ffdesk');
  const lineKey = await backend.addAgent('ffdeskline');
  ff = await launchFirefox();
  await ffSignIn(ff, backend.url, agentKey);
  // Before any CRM page loads: the bar reads it when it mounts.
  await (
    await ff.extensionPage()
  ).evaluate(() => chrome.storage.sync.set({ e2eOpenShadowRoots: true }));
  softphone = await ffOpenSoftphone(ff, backend, lineKey, 'ffdeskline');
}, 120_000);
afterAll(async () => {
  await ff?.close();
  await backend?.dispose();
});

async function crmPage(): Promise<Page> {
  const page = await newTab(ff);
  await page.goto(`${backend.url}/demo`);
  await waitForSelector(page, BUTTON);
  await page.bringToFront();
  return page;
}

/** Waits for `selector` (puppeteer's `>>>` reaches into open shadow roots). */
async function waitForDeep(page: Page, selector: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => (await page.$(selector)) !== null, timeoutMs, selector);
}

/** The call bar's button showing `name`. */
async function barButton(page: Page, name: string): Promise<ElementHandle<Element>> {
  return waitFor(
    async () => {
      for (const button of await page.$$('c2c-call-bar >>> button')) {
        const text = await button.evaluate((b) => b.textContent?.trim());
        if (text === name) return button;
      }
      return null;
    },
    10_000,
    `the call bar's ${name} button`,
  );
}

/**
 * The agent's own click on a call-bar control: the pointer goes there and rests while the agent
 * looks (the click guard ignores a control that just appeared or moved), then a real click.
 */
async function agentClicks(page: Page, name: string): Promise<void> {
  await agentLooks();
  const box = await (await barButton(page, name)).boundingBox();
  if (!box) throw new Error(`the call bar's ${name} button is not rendered`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await agentLooks();
  await page.mouse.click(x, y);
}

/** What the backend holds for the agent (a second session of theirs, as the popup's would read it). */
async function presenceOnBackend(): Promise<string> {
  const session = await fetch(`${backend.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: agentKey }),
  });
  const { token } = (await session.json()) as { token: string };
  const got = await fetch(`${backend.url}/api/presence`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await got.json()) as { choice: string }).choice;
}

describe('Firefox: the call bar, caller ID and presence', () => {
  it("the call bar's Mute and Hang up, clicked for real during a built-in call", async () => {
    const crm = await crmPage();
    await crm.click(BUTTON);
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=incoming]', 20_000);
    await clickSoftphoneButton(softphone, 'Answer');
    await crm.bringToFront();
    await waitForDeep(crm, barIn('active'), 20_000);
    const ext = await ff.extensionPage();

    await agentClicks(crm, en.mute);
    await barButton(crm, en.unmute);
    await waitForDeep(crm, 'c2c-call-bar >>> [data-testid=call-muted]');
    expect((await ffAppState(ext)).call).toMatchObject({ phase: 'active', muted: true });

    // The bar re-laid out for the muted state: the agent looks again before the next click.
    await agentClicks(crm, en.hangUp);
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 15_000);
    const ended = await waitFor(
      async () => {
        const { call } = await ffAppState(ext);
        return call?.phase === 'ended' ? call : null;
      },
      10_000,
      'the call ended',
    );
    expect(ended).toMatchObject({ direction: 'outbound', endReason: 'local-hangup' });
    await waitFor(async () => (await ffAppState(ext)).call === null, 15_000, 'agent idle');
    await crm.close();
  });

  it('an incoming call from a number on an open CRM page shows its name in the call bar', async () => {
    const crm = await crmPage();
    const ext = await ff.extensionPage();
    // The page's numbers reach the learned directory (the extension's IndexedDB) soon after.
    await waitFor(
      async () => (await ffBackgroundRequest<{ count: number }>(ext, 'learnedContacts')).count > 0,
      15_000,
      'numbers learned from the CRM page',
    );
    // A ringing call shows in the CRM tab focused last.
    await crm.bringToFront();
    await clickSoftphoneButton(softphone, 'Call the sales team');
    const ringing = await waitFor(
      async () => {
        const { call } = await ffAppState(ext);
        return call?.phase === 'incoming' ? call : null;
      },
      20_000,
      'the incoming call',
    );
    expect(ringing).toMatchObject({ direction: 'inbound', displayName: 'Ava Thompson' });
    await waitForDeep(crm, barIn('incoming'), 15_000);
    const shown = await crm.$eval('c2c-call-bar >>> .c2c-name', (e) => e.textContent);
    expect(shown).toBe('Ava Thompson');
    expect(await crm.$eval('c2c-call-bar >>> .c2c-number', (e) => e.textContent)).toBe(
      '+1 415 555 2671',
    );

    await agentClicks(crm, en.decline);
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 15_000);
    await waitFor(
      async () => (await ffAppState(ext)).call?.phase !== 'incoming',
      10_000,
      'the call declined',
    );
    await crm.close();
  });

  it('Away chosen in the popup reaches the backend; Available again too', async () => {
    const popup = await ff.extensionPage();
    await waitForSelector(popup, '[data-testid=presence-select]:not([disabled])');
    expect(await presenceOnBackend()).toBe('available');

    await popup.bringToFront();
    await popup.select('[data-testid=presence-select]', 'away');
    await waitFor(async () => (await presenceOnBackend()) === 'away', 5_000, 'Away on the backend');
    expect((await ffAppState(popup)).presence).toMatchObject({ choice: 'away' });

    await waitForSelector(popup, '[data-testid=presence-select]:not([disabled])');
    await popup.select('[data-testid=presence-select]', 'available');
    await waitFor(
      async () => (await presenceOnBackend()) === 'available',
      5_000,
      'Available on the backend',
    );
  });
});
