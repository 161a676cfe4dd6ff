// The whole call path in headless Chromium: CRM page → content script → background → offscreen
// document → built-in WebRTC provider → backend relay → softphone page, with real audio both ways.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  agentLooks,
  appState,
  endAnyCall,
  diagnostics,
  launchBrowser,
  openSoftphone,
  signIn,
  softphoneBytesReceived,
  startBackend,
  stopServiceWorker,
  waitFor,
  SOFTPHONE_LINE,
  type Backend,
  type Browser,
} from './harness';

const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;

let backend: Backend;
let agentKey: string;
let lineKey: string;

beforeAll(async () => {
  backend = await startBackend();
  agentKey = await backend.addAgent('agent1');
  lineKey = await backend.addAgent('line1');
});
afterAll(async () => {
  await backend?.dispose();
});

async function crmPage(browser: Browser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${backend.url}/demo`);
  await page.locator(BUTTON).first().waitFor({ timeout: 15_000 });
  await agentLooks();
  return page;
}

/** Clicks the softphone's number on a CRM page and answers on the softphone: a live outbound call. */
async function answeredCall(browser: Browser, softphone: Page): Promise<Page> {
  const crm = await crmPage(browser);
  await crm.locator(BUTTON).first().click();
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  await softphone.getByRole('button', { name: 'Answer' }).click();
  await crm.locator('c2c-call-bar [data-phase=active]').waitFor({ timeout: 15_000 });
  return crm;
}

async function agentBytesReceived(browser: Browser): Promise<number> {
  const d = await diagnostics(await browser.extensionPage());
  return d.call?.bytesReceived ?? 0;
}

/** Both sides connected and inbound audio growing on both. */
async function expectAudioBothWays(browser: Browser, softphone: Page): Promise<void> {
  await waitFor(
    async () =>
      (await diagnostics(await browser.extensionPage())).call?.connectionState === 'connected',
    15_000,
    'agent peer connection connected',
  );
  await softphone
    .locator('[data-testid=stats][data-connection=connected]')
    .waitFor({ timeout: 15_000 });
  const agentBefore = await agentBytesReceived(browser);
  const softBefore = await softphoneBytesReceived(softphone);
  await waitFor(
    async () => (await agentBytesReceived(browser)) > agentBefore + 1000,
    10_000,
    'agent inbound audio',
  );
  await waitFor(
    async () => (await softphoneBytesReceived(softphone)) > softBefore + 1000,
    10_000,
    'softphone inbound audio',
  );
}

async function callsOf(token: string) {
  const response = await fetch(`${backend.url}/api/calls?limit=20`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (
    (await response.json()) as { items: { uuid: string; status: string; direction: string }[] }
  ).items;
}

async function agentToken(): Promise<string> {
  const response = await fetch(`${backend.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: agentKey }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('call path on the built-in provider', () => {
  let browser: Browser;
  let softphone: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    await signIn(browser, backend.url, agentKey);
    softphone = await openSoftphone(browser, backend.url, lineKey);
  });
  afterAll(async () => {
    await browser?.close();
  });
  // Leave no call behind for the next scenario.
  afterEach(() => endAnyCall(browser, softphone));

  it('1. outbound: click → softphone rings and answers → audio both ways → agent hangs up → recorded', async () => {
    const crm = await crmPage(browser);
    await crm.locator(BUTTON).first().click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    // The softphone speaks to a person, not in wire names.
    await expect(softphone.locator('h1').textContent()).resolves.toBe(
      'Customer phone +1 415 555 2671',
    );
    await expect(softphone.getByTestId('phase').textContent()).resolves.toBe(
      'Incoming call from agent1 (agent)',
    );
    await expect(crm.locator('[data-testid=call-phase]').textContent()).resolves.toMatch(
      /ringing|connecting/i,
    );
    await softphone.getByRole('button', { name: 'Answer' }).click();
    await crm.locator('c2c-call-bar [data-phase=active]').waitFor({ timeout: 15_000 });
    await expectAudioBothWays(browser, softphone);
    const { call } = await appState(await browser.extensionPage());
    expect(call).toMatchObject({
      direction: 'outbound',
      phase: 'active',
      target: { e164: '+14155552671' },
    });
    // The row's name travels with the call.
    expect(call?.displayName).toBe('Ava Thompson');

    await crm.locator('c2c-call-bar').getByRole('button', { name: 'Hang up' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
    await expect(
      softphone.locator('[data-testid=message]').getAttribute('data-reason'),
    ).resolves.toBe('remote-hangup');
    await expect(softphone.locator('[data-testid=message]').textContent()).resolves.toBe(
      'Call ended. The other side hung up.',
    );
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call === null,
      10_000,
      'agent idle',
    );
    await crm.locator('c2c-call-bar [data-phase]').waitFor({ state: 'detached' });

    const record = await waitFor(
      async () => (await callsOf(await agentToken())).find((c) => c.uuid === call!.callId),
      10_000,
      'the call record',
    );
    expect(record).toMatchObject({ direction: 'outbound', status: 'completed' });
    await crm.close();
  });

  it('2. inbound: the softphone calls the agent, the agent answers, the remote side hangs up', async () => {
    const crm = await crmPage(browser);
    await softphone.getByRole('button', { name: 'Call the sales team' }).click();
    await expect(softphone.getByTestId('phase').textContent()).resolves.toMatch(
      /^Calling the sales team/,
    );
    const bar = crm.locator('c2c-call-bar');
    await bar.locator('[data-phase=incoming]').waitFor({ timeout: 15_000 });
    await expect(bar.locator('.c2c-number').textContent()).resolves.toBe('+1 415 555 2671');
    await agentLooks();
    await bar.getByRole('button', { name: 'Answer' }).click();
    await bar.locator('[data-phase=active]').waitFor({ timeout: 15_000 });
    await expectAudioBothWays(browser, softphone);
    await softphone.getByRole('button', { name: 'Hang up' }).click();
    await bar.locator('[data-phase=ended]').waitFor({ timeout: 10_000 });
    await expect(bar.locator('[data-testid=call-phase]').textContent()).resolves.toBe(
      'The other party hung up',
    );
    const { call } = await appState(await browser.extensionPage());
    expect(call).toMatchObject({ direction: 'inbound', endReason: 'remote-hangup' });
    await crm.close();
  });

  it('3. the CRM tab closes mid-call: the call goes on and is hung up from the popup', async () => {
    const crm = await answeredCall(browser, softphone);
    await crm.close();

    await expectAudioBothWays(browser, softphone);
    const popup = await browser.extensionPage();
    await popup.reload();
    const panel = popup.locator('[data-testid=popup-call]');
    await panel.locator('[data-phase=active]').waitFor();
    await panel.getByRole('button', { name: 'Hang up' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
  });

  it('4. the service worker is stopped mid-call: the call goes on and the UI is right after it wakes', async () => {
    const crm = await answeredCall(browser, softphone);
    const before = await appState(await browser.extensionPage());

    await stopServiceWorker(browser);
    // Audio keeps flowing while no worker runs.
    const soft = await softphoneBytesReceived(softphone);
    await waitFor(
      async () => (await softphoneBytesReceived(softphone)) > soft + 1000,
      10_000,
      'audio without worker',
    );
    await expect(crm.locator('c2c-call-bar [data-phase=active]').count()).resolves.toBe(1);

    // Any request wakes it; it restores the call from the offscreen document.
    const after = await appState(await browser.extensionPage());
    expect(after.call).toMatchObject({ callId: before.call!.callId, phase: 'active' });
    await crm.locator('c2c-call-bar').getByRole('button', { name: 'Mute' }).click();
    await crm.locator('c2c-call-bar').getByRole('button', { name: 'Unmute' }).waitFor();
    // The bar re-laid out for the muted state: the agent looks before clicking again.
    await agentLooks();
    await crm.locator('c2c-call-bar').getByRole('button', { name: 'Hang up' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
    await crm.close();
  });

  it('7. the backend restarts mid-call: the call goes on, audio both ways, then hangs up normally', async () => {
    const crm = await answeredCall(browser, softphone);
    await expectAudioBothWays(browser, softphone);
    const token = await agentToken();
    const callId = (await callsOf(token))[0]!.uuid;

    await backend.close();
    await backend.restart();
    // Both sides reconnect and resume the call: nobody saw it end, the audio never stopped.
    await waitFor(
      async () => (await appState(await browser.extensionPage())).provider.state === 'ready',
      20_000,
      'the agent signalling back',
    );
    await expect(
      softphone.locator('[data-testid=softphone]').getAttribute('data-phase'),
    ).resolves.toBe('active');
    await crm.locator('c2c-call-bar [data-phase=active]').waitFor({ timeout: 5000 });
    await expectAudioBothWays(browser, softphone);

    await crm.locator('c2c-call-bar').getByRole('button', { name: 'Hang up' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 15_000 });
    await expect(
      softphone.locator('[data-testid=message]').getAttribute('data-reason'),
    ).resolves.toBe('remote-hangup');
    await waitFor(
      async () =>
        (await callsOf(await agentToken())).find((c) => c.uuid === callId)?.status === 'completed',
      10_000,
      'the call recorded as completed',
    );
    await crm.close();
  });

  it('6a. a synthetic click by page script places no call', async () => {
    const crm = await crmPage(browser);
    const before = (await appState(await browser.extensionPage())).call?.callId ?? null;
    await crm.evaluate((selector) => {
      const button = document.querySelector<HTMLElement>(selector)!;
      button.click();
      button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      const inner = button.shadowRoot?.querySelector('button');
      inner?.click();
      button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }, BUTTON);
    await new Promise((r) => setTimeout(r, 1500));
    // No new call: the state still shows the earlier call, or none once that ended call is cleared.
    expect([before, null]).toContain(
      (await appState(await browser.extensionPage())).call?.callId ?? null,
    );
    await expect(
      softphone.locator('[data-testid=softphone]').getAttribute('data-phase'),
    ).resolves.toBe('idle');
    await crm.close();
  });

  it('6b. malformed or foreign messages are rejected without breaking anything', async () => {
    const ext = await browser.extensionPage();
    const send = (message: unknown) =>
      ext.evaluate((m) => chrome.runtime.sendMessage(m).catch((e: Error) => e.message), message);
    await expect(
      send({
        channel: 'c2c/background',
        type: 'startCall',
        data: { target: { kind: 'phone', e164: '12' } },
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expect(
      send({ channel: 'c2c/background', type: 'rm -rf', data: {} }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    await expect(
      send({ channel: 'c2c/background', type: 'sendDtmf', data: { digits: '1; DROP TABLE' } }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // Only the service worker may drive the offscreen document.
    await expect(
      send({
        channel: 'c2c/offscreen',
        type: 'startCall',
        data: { callId: 'aaaaaaaa-bbbb', target: { kind: 'phone', e164: '+14155552671' } },
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // Only the offscreen document may report call state.
    await expect(
      send({ channel: 'c2c/offscreen-events', type: 'stateChanged', data: { state: {} } }),
    ).resolves.toMatchObject({ ok: false });
    // A web page cannot talk to the extension at all.
    const crm = await crmPage(browser);
    await expect(
      crm.evaluate(() => typeof (globalThis as { chrome?: { runtime?: unknown } }).chrome?.runtime),
    ).resolves.toBe('undefined');
    await crm.close();
    // Everything still works.
    const after = await appState(ext);
    expect(after.provider.state).toBe('ready');
    expect(after.call?.phase ?? 'none').toMatch(/none|ended/);
  });

  it('6c. backend unreachable: a clear error and a working retry, not a hang', async () => {
    const crm = await crmPage(browser);
    await backend.close();
    const started = Date.now();
    await crm.locator(BUTTON).first().click();
    const bar = crm.locator('c2c-call-bar');
    await bar.getByText('Cannot reach the calling server').waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await appState(await browser.extensionPage())).call?.phase ?? 'none').not.toMatch(
      /connecting|ringing/,
    );

    await backend.restart();
    // The softphone page reconnects by itself, as the call host does. (A second softphone page
    // opened here would race it for the line: whichever reconnects last holds it.)
    await waitFor(
      async () => {
        const state = await appState(await browser.extensionPage());
        return state.call === null || state.call.phase === 'ended';
      },
      10_000,
      'the failed call to clear',
    );
    await waitFor(
      async () => {
        await crm.locator(BUTTON).first().click();
        await softphone
          .locator('[data-testid=softphone][data-phase=incoming]')
          .waitFor({ timeout: 3000 });
        return true;
      },
      20_000,
      'the retry to ring the softphone',
    );
    await softphone.getByRole('button', { name: 'Decline' }).click();
    await crm.locator('c2c-call-bar').getByText('Declined').waitFor({ timeout: 10_000 });
    await crm.close();
  });
});

describe('microphone not granted', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({ microphone: 'not-granted' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('5. places no call, explains, and opens the onboarding page', async () => {
    const key = await backend.addAgent('agent-nomic');
    await signIn(browser, backend.url, key);
    const softphoneHost = await launchBrowser();
    try {
      const softphone = await openSoftphone(
        softphoneHost,
        backend.url,
        await backend.addAgent('line-nomic'),
      );
      const crm = await crmPage(browser);
      await crm.locator(BUTTON).first().click();
      // The call bar says why at once (an ended call leaves the bar after a few seconds) …
      await crm
        .locator('c2c-call-bar')
        .getByText(/Microphone/)
        .waitFor({ timeout: 10_000 });
      // … and the onboarding tab (already open since install, or a new one) explains it.
      const page = await waitFor(
        async () =>
          browser.context
            .pages()
            .find((p) => /onboarding\.html\?reason=mic-(dismissed|denied)/.test(p.url())),
        15_000,
        'the onboarding page with the reason',
      );
      await page.locator('[data-testid=onboarding-reason]').waitFor();
      await new Promise((r) => setTimeout(r, 1000));
      await expect(
        softphone.locator('[data-testid=softphone]').getAttribute('data-phase'),
      ).resolves.toBe('idle');
      const state = await appState(await browser.extensionPage());
      expect(state.call?.phase ?? 'none').not.toMatch(/connecting|ringing|active/);
    } finally {
      await softphoneHost.close();
    }
  });
});
