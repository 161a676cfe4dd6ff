// Trusted click → provider call started, warm (offscreen document and session ready) and cold
// (no worker, no offscreen document), measured in headless Chromium with the built test extension;
// then the same on headless Firefox ESR (call window as the call host) with the Firefox test build.
import type { Page } from 'playwright-core';
import {
  agentLooks,
  appState,
  backgroundRequest,
  diagnostics,
  EXTENSION_ORIGIN,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  stopServiceWorker,
  waitFor,
  SOFTPHONE_LINE,
  type Browser,
} from '../e2e/harness';
import type { Page as FirefoxPage } from 'puppeteer-core';
import type { CallTiming } from '../../src/messaging/background';
import {
  ffAppState,
  ffBackgroundRequest,
  ffDiagnostics,
  ffOpenSoftphone,
  ffSignIn,
  launchFirefox,
  newTab,
  waitForSelector,
  type FirefoxBrowser,
} from '../e2e/firefoxHarness';

// The relay allows 30 call attempts per agent per minute (toll-fraud guard); stay under it.
const WARM_RUNS = 20;
const COLD_RUNS = 5;

async function oneCall(browser: Browser, crm: Page, softphone: Page): Promise<CallTiming> {
  const ext = await browser.extensionPage();
  const previous = (await appState(ext)).call?.callId;
  await crm.locator(`[data-c2c-target="${SOFTPHONE_LINE}"]`).first().click();
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  const state = await waitFor(async () => {
    const s = await appState(ext);
    return s.call && s.call.callId !== previous ? s : null;
  });
  const timing = (await diagnostics(ext)).lastCallTiming!;
  await backgroundRequest(ext, 'hangup');
  await softphone.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 10_000 });
  void state;
  return timing;
}

function summary(label: string, values: number[], target: number): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(
    `${label}: median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms ` +
      `(n=${values.length}, target ≤ ${target} ms: ${at(0.5) <= target ? 'met' : 'NOT met'} at the median)`,
  );
}

export default async function run(): Promise<void> {
  const backend = await startBackend();
  const browser = await launchBrowser();
  try {
    await signIn(browser, backend.url, await backend.addAgent('bench-agent'));
    const softphone = await openSoftphone(
      browser,
      backend.url,
      await backend.addAgent('bench-line'),
    );
    const crm = await browser.context.newPage();
    await crm.goto(`${backend.url}/demo`);
    await crm.locator(`[data-c2c-target="${SOFTPHONE_LINE}"]`).first().waitFor();
    await agentLooks();

    await oneCall(browser, crm, softphone); // the first call loads code paths once
    const warm: CallTiming[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await oneCall(browser, crm, softphone));

    const cold: CallTiming[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      await (await browser.extensionPage()).evaluate(() => chrome.offscreen.closeDocument());
      await stopServiceWorker(browser);
      // Close our pages too (onboarding, popup), so nothing of ours runs when the agent clicks.
      for (const p of browser.context.pages())
        if (p.url().startsWith(EXTENSION_ORIGIN)) await p.close();
      cold.push(await oneCall(browser, crm, softphone));
    }

    console.log('Trusted click → provider.startCall invoked (built-in provider):');
    summary(
      '  warm',
      warm.map((t) => t.clickToProviderMs),
      50,
    );
    summary(
      '  cold',
      cold.map((t) => t.clickToProviderMs),
      500,
    );
    console.log('Trusted click → call placed (invite on the wire):');
    summary(
      '  warm',
      warm.map((t) => t.clickToPlacedMs),
      50,
    );
    summary(
      '  cold',
      cold.map((t) => t.clickToPlacedMs),
      500,
    );
  } finally {
    await browser.close();
    await backend.dispose();
  }
  await runFirefox();
}

const FF_WARM_RUNS = 10;
const FF_COLD_RUNS = 3;

async function ffOneCall(ff: FirefoxBrowser, crm: FirefoxPage, softphone: FirefoxPage) {
  const ext = await ff.extensionPage();
  const previous = (await ffAppState(ext)).call?.callId;
  await crm.bringToFront();
  await crm.click(`[data-c2c-target="${SOFTPHONE_LINE}"]`);
  await waitForSelector(softphone, '[data-testid=softphone][data-phase=incoming]', 20_000);
  await waitFor(async () => {
    const s = await ffAppState(ext);
    return s.call && s.call.callId !== previous ? s : null;
  });
  const timing = (await ffDiagnostics(ext)).lastCallTiming!;
  await ffBackgroundRequest(ext, 'hangup');
  await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 10_000);
  return timing;
}

/** Firefox: warm (call window open and connected) and cold host (call window closed first). */
export async function runFirefox(): Promise<void> {
  // The add-on's moz-extension:// origin needs no ALLOWED_ORIGINS entry (docs/security.md).
  const backend = await startBackend();
  const ff = await launchFirefox();
  try {
    await ffSignIn(ff, backend.url, await backend.addAgent('bench-ff-agent'));
    const softphone = await ffOpenSoftphone(
      ff,
      backend,
      await backend.addAgent('bench-ff-line'),
      'bench-ff-line',
    );
    const ext = await ff.extensionPage();
    const crm = await newTab(ff);
    await crm.goto(`${backend.url}/demo`);
    await waitForSelector(crm, `[data-c2c-target="${SOFTPHONE_LINE}"]`);

    await ffOneCall(ff, crm, softphone); // loads code paths once
    const warm: CallTiming[] = [];
    for (let i = 0; i < FF_WARM_RUNS; i++) warm.push(await ffOneCall(ff, crm, softphone));
    const cold: CallTiming[] = [];
    for (let i = 0; i < FF_COLD_RUNS; i++) {
      await ext.evaluate(async () => {
        const popups = (await chrome.windows.getAll()).filter((w) => w.type === 'popup');
        for (const w of popups) if (w.id !== undefined) await chrome.windows.remove(w.id);
      });
      await waitFor(
        async () => (await ffDiagnostics(ext)).provider.state === 'idle',
        10_000,
        'call window gone',
      );
      cold.push(await ffOneCall(ff, crm, softphone));
    }
    console.log('Firefox ESR: trusted click → provider.startCall invoked (built-in provider):');
    summary(
      '  warm',
      warm.map((t) => t.clickToProviderMs),
      50,
    );
    summary(
      '  cold host (call window closed; background awake)',
      cold.map((t) => t.clickToProviderMs),
      500,
    );
  } finally {
    await ff.close();
    await backend.dispose();
  }
}
