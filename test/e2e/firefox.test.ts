// The call path in headless Firefox ESR: CRM page → content script → background (event page) →
// call window (Firefox's call host) → built-in WebRTC provider → backend relay → softphone tab,
// with real audio both ways. One browser for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import en from '../../src/locales/en/core.json';
import { startBackend, waitFor, SOFTPHONE_LINE, type Backend } from './harness';
import {
  clickSoftphoneButton,
  ffAppState,
  findExtensionPage,
  ffDiagnostics,
  ffOpenSoftphone,
  ffSignIn,
  ffSoftphoneBytesReceived,
  launchFirefox,
  newTab,
  waitForSelector,
  type FirefoxBrowser,
} from './firefoxHarness';

const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
const CALL_WINDOW_IDLE = en.callWindowKeepOpen;
const CALL_WINDOW_IN_CALL = en.callWindowInCall;

let backend: Backend;
let ff: FirefoxBrowser;
let agentKey: string;
let lineKey: string;
let softphone: Page;

beforeAll(async () => {
  // The call window's signalling socket comes from the add-on's random moz-extension:// origin,
  // accepted without listing it in ALLOWED_ORIGINS (docs/security.md, "Origins").
  backend = await startBackend();
  agentKey = await backend.addAgent('agent1');
  lineKey = await backend.addAgent('line1');
  ff = await launchFirefox();
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

/** A trusted click on the CRM page's button, answered on the softphone: a live outbound call. */
async function answeredCall(crm: Page): Promise<void> {
  await crm.click(BUTTON);
  await waitForSelector(softphone, '[data-testid=softphone][data-phase=incoming]', 20_000);
  await clickSoftphoneButton(softphone, 'Answer');
  await waitFor(
    async () => (await ffAppState(await ff.extensionPage())).call?.phase === 'active',
    20_000,
    'agent call active',
  );
}

async function agentBytesReceived(): Promise<number> {
  return (await ffDiagnostics(await ff.extensionPage())).call?.bytesReceived ?? 0;
}

describe('Firefox: the call path on the built-in provider', () => {
  it('signs in: the background answers and the call window opens', async () => {
    await ffSignIn(ff, backend.url, agentKey);
    const state = await ffAppState(await ff.extensionPage());
    expect(state.agent).toMatchObject({ name: 'agent1' });
    expect(state.provider.state).toBe('ready');
    // The call host: a popup window, asking the agent to keep it open.
    const window = await waitFor(() => findExtensionPage(ff.browser, '/callwindow.html'));
    expect(await window.evaluate(() => document.querySelector('[role=status]')?.textContent)).toBe(
      CALL_WINDOW_IDLE,
    );
    softphone = await ffOpenSoftphone(ff, backend, lineKey, 'line1');
  });

  it('a synthetic click (element.click() from the page) places no call', async () => {
    const crm = await crmPage();
    await crm.evaluate((b) => (document.querySelector(b) as HTMLElement).click(), BUTTON);
    // A negative: give the content script and background a bounded chance to (wrongly) start one.
    await expect(
      waitFor(async () => (await ffAppState(await ff.extensionPage())).call, 2_000, 'a call'),
    ).rejects.toThrow(/timed out/);
    expect(
      await softphone.evaluate(() =>
        document.querySelector('[data-testid=softphone]')?.getAttribute('data-phase'),
      ),
    ).toBe('idle');
    await crm.close();
  });

  it('outbound: a trusted click calls the softphone, audio flows both ways, the agent hangs up', async () => {
    const crm = await crmPage();
    await answeredCall(crm);
    const ext = await ff.extensionPage();
    const { call } = await ffAppState(ext);
    expect(call).toMatchObject({ direction: 'outbound', target: { e164: '+14155552671' } });

    await waitFor(
      async () => (await ffDiagnostics(ext)).call?.connectionState === 'connected',
      20_000,
      'agent peer connection connected',
    );
    await waitForSelector(softphone, '[data-testid=stats][data-connection=connected]', 20_000);
    const agentBefore = await agentBytesReceived();
    const softBefore = await ffSoftphoneBytesReceived(softphone);
    await waitFor(
      async () => (await agentBytesReceived()) > agentBefore + 1000,
      15_000,
      'agent inbound audio',
    );
    await waitFor(
      async () => (await ffSoftphoneBytesReceived(softphone)) > softBefore + 1000,
      15_000,
      'softphone inbound audio',
    );

    await ext.evaluate(() =>
      chrome.runtime.sendMessage({ channel: 'c2c/background', type: 'hangup', data: {} }),
    );
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 15_000);
    await waitFor(async () => (await ffAppState(ext)).call === null, 15_000, 'agent idle');
    await crm.close();
  });

  it('closing the call window mid-call ends the call cleanly and says why; the next call works', async () => {
    const crm = await crmPage();
    await answeredCall(crm);
    const window = await waitFor(() => findExtensionPage(ff.browser, '/callwindow.html'));
    await waitFor(
      () => window.evaluate(() => document.querySelector('[role=status]')?.textContent),
      10_000,
      'call window status',
    ).then((text) => expect(text).toBe(CALL_WINDOW_IN_CALL));

    await window.close();
    const ext = await ff.extensionPage();
    const ended = await waitFor(
      async () => {
        const { call } = await ffAppState(ext);
        return call?.phase === 'ended' ? call : null;
      },
      15_000,
      'the call ended',
    );
    expect(ended.endReason).toBe('host-closed');
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 20_000);

    // The next click opens a new call window and calls again.
    await crm.bringToFront();
    await answeredCall(crm);
    expect(await findExtensionPage(ff.browser, '/callwindow.html')).not.toBeNull();
    await ext.evaluate(() =>
      chrome.runtime.sendMessage({ channel: 'c2c/background', type: 'hangup', data: {} }),
    );
    await waitFor(async () => (await ffAppState(ext)).call === null, 15_000, 'agent idle');
    await crm.close();
  });
});
