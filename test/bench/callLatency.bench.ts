// Trusted click → provider call started, warm (offscreen document and session ready) and cold
// (no worker, no offscreen document), measured in headless Chromium with the built test extension;
// then on headless Firefox ESR with the Firefox test build: warm, the background suspended (the call
// window kept open, as it is while the agent is signed in) and the call window closed (the click
// opens a new one), that last one broken down. BENCH_FIREFOX_BASELINE=<dir of another
// firefox-mv3-test build> runs the Firefox part on that build too, in the same run, alternating
// with this one BENCH_FIREFOX_ROUNDS times (default 1).
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
  backgroundRunning,
  ffAppState,
  ffBackgroundRequest,
  ffDiagnostics,
  ffOpenSoftphone,
  ffSignIn,
  launchFirefox,
  newTab,
  waitForSelector,
  FIREFOX_EXTENSION_PATH,
  type FirefoxBrowser,
} from '../e2e/firefoxHarness';
import { CALL_WINDOW_MARKS } from '../../src/background/callWindow';
import { CALL_WINDOW_PAGE_MARKS } from '../../src/offscreen/callWindow';

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
  // With a baseline, alternate the two builds (BENCH_FIREFOX_ROUNDS times): the machine's load drifts.
  const baseline = process.env.BENCH_FIREFOX_BASELINE;
  const rounds = baseline ? Number(process.env.BENCH_FIREFOX_ROUNDS ?? 1) : 1;
  for (let round = 1; round <= rounds; round++) {
    if (baseline) await runFirefox(baseline, `baseline ${baseline}, round ${round}`);
    await runFirefox(
      FIREFOX_EXTENSION_PATH,
      baseline ? `this build, round ${round}` : 'this build',
    );
  }
}

const FF_WARM_RUNS = 10;
const FF_COLD_RUNS = 3;
/** Firefox suspends an idle background after this long (30 s in production): the cold runs wait for it. */
const FF_BACKGROUND_IDLE_MS = 3_000;

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

/** Where a click that had to open the call window spent its time (ms), from the User Timing marks. */
interface HostStart {
  /** windows.create until it resolved. */
  create: number;
  /** Then until the page's script ran (module loading). */
  load: number;
  /** Then until the background got an answer from it. */
  answer: number;
  /** Then until the provider was connected (configure: provider module, signalling socket). */
  connect: number;
  /** The rest of click → provider.startCall: click → background, focus, the startCall message. */
  rest: number;
}

async function hostStart(ext: FirefoxPage, timing: CallTiming): Promise<HostStart | null> {
  const marks = await ext.evaluate(
    (bgNames, pageNames) => {
      const at: Record<string, number> = {};
      for (const view of chrome.extension.getViews()) {
        for (const name of [...bgNames, ...pageNames]) {
          const [entry] = view.performance.getEntriesByName(name, 'mark');
          if (entry) at[name] = view.performance.timeOrigin + entry.startTime;
        }
      }
      return at;
    },
    Object.values(CALL_WINDOW_MARKS),
    Object.values(CALL_WINDOW_PAGE_MARKS),
  );
  const create = marks[CALL_WINDOW_MARKS.create];
  const created = marks[CALL_WINDOW_MARKS.created];
  const answering = marks[CALL_WINDOW_MARKS.answering];
  const script = marks[CALL_WINDOW_PAGE_MARKS.script];
  const connected = marks[CALL_WINDOW_PAGE_MARKS.connected];
  // A build without the marks (an older baseline) has no breakdown.
  if ([create, created, answering, script, connected].some((t) => t === undefined)) return null;
  return {
    create: created! - create!,
    load: script! - created!,
    answer: answering! - script!,
    connect: connected! - answering!,
    rest: timing.clickToProviderMs - (connected! - create!),
  };
}

/**
 * Firefox: warm (call window open and connected, background awake), cold background (Firefox
 * suspended the idle background; the call window stays open while the agent is signed in) and cold
 * host (the agent closed the call window: the click opens a new one).
 */
export async function runFirefox(extensionPath: string, label: string): Promise<void> {
  // The add-on's moz-extension:// origin needs no ALLOWED_ORIGINS entry (docs/security.md).
  const backend = await startBackend();
  const ff = await launchFirefox(
    { 'extensions.background.idle.timeout': FF_BACKGROUND_IDLE_MS },
    extensionPath,
  );
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
    const coldBackground: CallTiming[] = [];
    for (let i = 0; i < FF_COLD_RUNS; i++) {
      await waitFor(
        async () => !(await backgroundRunning(ext)),
        FF_BACKGROUND_IDLE_MS * 10,
        'the background suspended',
      );
      coldBackground.push(await ffOneCall(ff, crm, softphone));
    }
    const coldHost: CallTiming[] = [];
    const starts: HostStart[] = [];
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
      const timing = await ffOneCall(ff, crm, softphone);
      coldHost.push(timing);
      const start = await hostStart(ext, timing);
      if (start) starts.push(start);
    }
    console.log(
      `Firefox ESR (${label}): trusted click → provider.startCall invoked (built-in provider):`,
    );
    summary(
      '  warm',
      warm.map((t) => t.clickToProviderMs),
      50,
    );
    summary(
      '  cold background (suspended by Firefox; call window open)',
      coldBackground.map((t) => t.clickToProviderMs),
      500,
    );
    summary(
      '  cold host (call window closed: the click opens it)',
      coldHost.map((t) => t.clickToProviderMs),
      500,
    );
    console.log(
      `Firefox ESR (${label}): trusted click → call placed (microphone open, invite sent):`,
    );
    summary(
      '  warm',
      warm.map((t) => t.clickToPlacedMs),
      50,
    );
    summary(
      '  cold background',
      coldBackground.map((t) => t.clickToPlacedMs),
      500,
    );
    summary(
      '  cold host',
      coldHost.map((t) => t.clickToPlacedMs),
      500,
    );
    if (starts.length) {
      const median = (pick: (s: HostStart) => number) => {
        const sorted = starts.map(pick).sort((a, b) => a - b);
        return sorted[Math.floor(sorted.length / 2)]!.toFixed(0);
      };
      console.log(
        `  cold host, where the time went (medians, ms): window created ${median((s) => s.create)}, ` +
          `page script ran +${median((s) => s.load)}, page answering +${median((s) => s.answer)}, ` +
          `provider connected (signalling) +${median((s) => s.connect)}, ` +
          `click → background, focus and startCall message ${median((s) => s.rest)}`,
      );
    }
  } finally {
    await ff.close();
    await backend.dispose();
  }
}
