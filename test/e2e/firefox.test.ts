// The call path in headless Firefox ESR: CRM page → content script → background (event page) →
// call window (Firefox's call host) → built-in WebRTC provider → backend relay → softphone tab,
// with real audio both ways. One browser for the file.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { Settings } from '../../src/contract/settings';
import { FIREFOX_EXTENSION_ID } from '../../src/extensionKey';
import en from '../../src/locales/en/core.json';
import {
  buttonsInPage,
  expectedButtons,
  ROWS,
  serveReactList,
  type Row,
} from '../fixtures/reactList';
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
} from '../fixtures/frameList';
import { startBackend, waitFor, SOFTPHONE_LINE, type Backend } from './harness';
import {
  backgroundRunning,
  clickSoftphoneButton,
  ffBackgroundRequest,
  ffAppState,
  findExtensionPage,
  ffDiagnostics,
  ffOpenSoftphone,
  ffSignIn,
  ffSoftphoneBytesReceived,
  launchFirefox,
  newTab,
  waitForSelector,
  FIREFOX_ORIGIN,
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

/**
 * Enterprise policy the real way: Firefox reads `policies.json` at start (so it is written before
 * the browser starts, and exists only while this file runs). Firefox does not check values against
 * our schema: the invalid `provider` must be dropped by ours, the valid values kept. None of them
 * changes the call path the other tests drive.
 */
const POLICY_FILE = join(
  process.env.FIREFOX_POLICY_DIR ?? '/etc/firefox/policies',
  'policies.json',
);
const POLICY = {
  sites: ['https://crm.acme.example/*'],
  vonage: { region: 'EU', telemetry: false },
  provider: 'no-such-provider',
};
let savedPolicies: string | null = null;
let reactList: { url: string; close(): void };
const BACKGROUND_IDLE_MS = 5_000;

beforeAll(async () => {
  // The call window's signalling socket comes from the add-on's random moz-extension:// origin,
  // accepted without listing it in ALLOWED_ORIGINS (docs/security.md, "Origins").
  backend = await startBackend();
  reactList = await serveReactList();
  savedPolicies = await readFile(POLICY_FILE, 'utf8').catch(() => null);
  await mkdir(join(POLICY_FILE, '..'), { recursive: true });
  await writeFile(
    POLICY_FILE,
    JSON.stringify({
      policies: { '3rdparty': { Extensions: { [FIREFOX_EXTENSION_ID]: POLICY } } },
    }),
  );
  agentKey = await backend.addAgent('agent1');
  lineKey = await backend.addAgent('line1');
  // A short idle timeout: Firefox suspends the background during calls as it does in production
  // (after 30 s without events), soon enough for a test.
  ff = await launchFirefox({ 'extensions.background.idle.timeout': BACKGROUND_IDLE_MS });
}, 120_000);
afterAll(async () => {
  await ff?.close();
  if (savedPolicies === null) await rm(POLICY_FILE, { force: true });
  else await writeFile(POLICY_FILE, savedPolicies);
  await backend?.dispose();
  reactList?.close();
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

/** Both sides connected and inbound audio growing on both. */
async function expectAudioBothWays(): Promise<void> {
  const ext = await ff.extensionPage();
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
}

async function hangUpFromExtension(): Promise<void> {
  const ext = await ff.extensionPage();
  await ext.evaluate(() =>
    chrome.runtime.sendMessage({ channel: 'c2c/background', type: 'hangup', data: {} }),
  );
  await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 15_000);
  await waitFor(async () => (await ffAppState(ext)).call === null, 15_000, 'agent idle');
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

  it("the session token is out of a content script's reach (storage.local, .session, IndexedDB)", async () => {
    const crm = await crmPage();
    const ext = await ff.extensionPage();
    // The background keeps it in the extension origin's IndexedDB (sessionStore.ts).
    const token = await ext.evaluate(
      () =>
        new Promise<string | undefined>((resolve, reject) => {
          const open = indexedDB.open('c2c-private');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('auth');
            get.onerror = () => reject(get.error);
            get.onsuccess = () => resolve((get.result as { token?: string } | undefined)?.token);
          };
        }),
    );
    expect(token).toMatch(/^.{16,}$/);
    // A real content script in the CRM tab (scripting.executeScript runs in the same isolated
    // world as ours) reads every storage area it can reach, and its IndexedDB.
    const seen = await ext.evaluate(async (crmUrl) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(crmUrl));
      const [injected] = await chrome.scripting.executeScript({
        target: { tabId: tab!.id! },
        func: async () => {
          const read = async (area: chrome.storage.StorageArea | undefined) =>
            area
              ? area.get(null).then(
                  (items) => JSON.stringify(items),
                  (error: unknown) => `refused: ${String(error)}`,
                )
              : 'absent';
          const databases = await indexedDB.databases().then((list) => JSON.stringify(list));
          return {
            local: await read(chrome.storage.local),
            session: await read(chrome.storage.session),
            databases,
          };
        },
      });
      return injected?.result as { local: string; session: string; databases: string };
    }, `${backend.url}/demo`);
    // storage.local is open to content scripts on Firefox: why the token is not kept there.
    expect(seen.local).toMatch(/^\{/);
    expect(JSON.stringify(seen)).not.toContain(token!);
    expect(seen.local).not.toContain('"auth"');
    expect(seen.databases).not.toContain('c2c-private');
    await crm.close();
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

    await expectAudioBothWays();
    await hangUpFromExtension();
    await crm.close();
  });

  it('inbound: the softphone calls the agent, the agent answers, audio both ways, the remote side hangs up', async () => {
    await clickSoftphoneButton(softphone, 'Call the sales team');
    const ext = await ff.extensionPage();
    await waitFor(
      async () => {
        const { call, provider } = await ffAppState(ext);
        if (call?.phase === 'incoming') return call;
        throw new Error(`agent: ${JSON.stringify({ call, provider })}`);
      },
      20_000,
      'the incoming call',
    );
    expect((await ffAppState(ext)).call).toMatchObject({
      direction: 'inbound',
      target: { e164: '+14155552671' },
    });
    // Answered the way the notification's Answer button and the shortcut do (the call bar's closed
    // shadow root is out of puppeteer's reach on Firefox).
    await ext.evaluate(() =>
      chrome.runtime.sendMessage({ channel: 'c2c/background', type: 'answer', data: {} }),
    );
    await waitFor(
      async () => (await ffAppState(ext)).call?.phase === 'active',
      20_000,
      'agent call active',
    );
    await expectAudioBothWays();
    await clickSoftphoneButton(softphone, 'Hang up');
    const ended = await waitFor(
      async () => {
        const { call } = await ffAppState(ext);
        return call?.phase === 'ended' ? call : null;
      },
      15_000,
      'the call ended',
    );
    expect(ended).toMatchObject({ direction: 'inbound', endReason: 'remote-hangup' });
    await waitForSelector(softphone, '[data-testid=softphone][data-phase=idle]', 15_000);
  });

  it('the CRM tab closes mid-call: the call and its audio go on, hung up from the extension', async () => {
    const crm = await crmPage();
    await answeredCall(crm);
    await crm.close();
    await expectAudioBothWays();
    expect((await ffAppState(await ff.extensionPage())).call?.phase).toBe('active');
    await hangUpFromExtension();
  });

  it('the background is suspended mid-call: audio goes on, the state comes back from the call window', async () => {
    const crm = await crmPage();
    await answeredCall(crm);
    const ext = await ff.extensionPage();
    const before = (await ffAppState(ext)).call!;
    // No requests now, so Firefox suspends the idle background.
    await waitFor(
      async () => !(await backgroundRunning(ext)),
      BACKGROUND_IDLE_MS * 4,
      'the background suspended',
    );
    const soft = await ffSoftphoneBytesReceived(softphone);
    await waitFor(
      async () => (await ffSoftphoneBytesReceived(softphone)) > soft + 1000,
      10_000,
      'audio while the background is suspended',
    );
    // Any request wakes it; it restores the call from the call window.
    const after = await ffAppState(ext);
    expect(after.call).toMatchObject({ callId: before.callId, phase: 'active' });
    await hangUpFromExtension();
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

describe('Firefox: enterprise policy from policies.json (3rdparty → Extensions)', () => {
  it('reaches storage.managed as written; our schema keeps the valid values and drops the invalid one', async () => {
    const ext = await ff.extensionPage();
    expect(await ext.evaluate(() => chrome.storage.managed.get())).toEqual(POLICY);
    const settings = await ffBackgroundRequest<Settings>(ext, 'getSettings');
    expect(settings.sites).toEqual(['https://crm.acme.example/*']);
    expect(settings.vonage).toMatchObject({ region: 'EU', telemetry: false });
    expect(settings.provider).toBe('builtin');
  });
});

describe('Firefox: detection on a React-rendered list', () => {
  async function expectButtons(page: Page, rows: Row[]) {
    const want = JSON.stringify(expectedButtons(rows));
    await waitFor(
      async () => JSON.stringify(await page.evaluate(buttonsInPage)) === want,
      10_000,
      `buttons ${want}`,
    ).catch(async (error: unknown) => {
      expect(await page.evaluate(buttonsInPage), String(error)).toEqual(expectedButtons(rows));
    });
  }
  const setRows = (page: Page, rows: Row[]) =>
    page.evaluate(
      (next) => (window as unknown as { crm: { setRows(r: unknown): void } }).crm.setRows(next),
      rows,
    );

  it('decorates the rendered rows and keeps the buttons right through re-render, reorder and edit', async () => {
    const page = await newTab(ff);
    await page.goto(reactList.url);
    await expectButtons(page, ROWS);
    await page.evaluate(() => (window as unknown as { crm: { rerender(): void } }).crm.rerender());
    await expectButtons(page, ROWS);
    const reversed = [...ROWS].reverse();
    await setRows(page, reversed);
    await expectButtons(page, reversed);
    const edited = reversed.map((r) =>
      r.id === 2 ? { ...r, phone: '+44 20 7946 0123', uri: 'tel:+442079460123' } : r,
    );
    await setRows(page, edited);
    await expectButtons(page, edited);
    await setRows(page, ROWS);
    await expectButtons(page, ROWS);
    await page.close();
  });
});

/** Waits until `read` gives exactly the buttons `want` (`where`: for the message). */
async function waitForButtons(read: () => Promise<string[] | null>, want: string[], where: string) {
  await waitFor(
    async () => JSON.stringify(await read()) === JSON.stringify(want),
    15_000,
    `buttons ${JSON.stringify(want)} ${where}`,
  );
}

/** The agent's trusted click at `at` calls the softphone line, which answers: the active call. */
async function clickCallsLine(page: Page, at: { x: number; y: number }) {
  await page.bringToFront();
  await page.mouse.move(at.x, at.y);
  await new Promise((r) => setTimeout(r, 400));
  await page.mouse.click(at.x, at.y);
  await waitForSelector(softphone, '[data-testid=softphone][data-phase=incoming]', 20_000);
  await clickSoftphoneButton(softphone, 'Answer');
  return waitFor(
    async () => {
      const c = (await ffAppState(await ff.extensionPage())).call;
      return c?.phase === 'active' ? c : null;
    },
    20_000,
    'agent call active',
  );
}

describe("Firefox: detection in the page's web components", () => {
  it('decorates numbers in open and closed shadow roots of components defined late, and rows they add; a trusted click on one in a closed root calls', async () => {
    const server = await serveComponentList();
    const page = await newTab(ff);
    try {
      await page.goto(server.url);
      await waitForButtons(
        () => page.evaluate(buttonsInComponents),
        COMPONENT_ROWS.map((r) => r.uri),
        'in the components',
      );
      await page.evaluate(() =>
        (window as unknown as { addContact(n: string, p: string): void }).addContact(
          'Late Row',
          '(646) 555-0199',
        ),
      );
      await waitFor(
        async () => (await page.evaluate(buttonsInComponents)).at(-1) === 'tel:+16465550199',
        10_000,
        'a button for the row added inside the component',
      );
      // The softphone line's button sits in a phone component's closed root (read through
      // `openOrClosedShadowRoot`), inside a row's root: the click guard's checks hold there (no
      // occlusion reports in Firefox: hit tests and the rest).
      const at = (await page.evaluate(buttonCentreInComponents, SOFTPHONE_LINE))!;
      const call = await clickCallsLine(page, at);
      expect(call).toMatchObject({
        direction: 'outbound',
        displayName: 'Softphone Line',
        target: { e164: '+14155552671' },
      });
      await hangUpFromExtension();
    } finally {
      await page.close();
      server.close();
    }
  });
});

describe("Firefox: detection in the page's frames", () => {
  it("decorates a frame of the page's origin, not another origin's; a trusted click calls, one on the frame made see-through does not", async () => {
    const sites = await serveFrameList();
    const page = await newTab(ff);
    try {
      await page.goto(sites.crm);
      await waitForButtons(
        () => page.evaluate(buttonsInFrame, 'same'),
        FRAME_BUTTONS,
        "in the frame of the page's origin",
      );
      const foreign = page
        .frames()
        .find((f) => f.url().endsWith('/list') && f.url() !== sites.list);
      expect(foreign).toBeDefined();
      await new Promise((r) => setTimeout(r, 1500));
      expect(await foreign!.evaluate(() => document.querySelectorAll('c2c-call').length)).toBe(0);

      // Firefox reports no occlusion: the frame check itself keeps this click from calling.
      const at = (await page.evaluate(buttonCentreInFrame, ['same', SOFTPHONE_LINE] as [
        string,
        string,
      ]))!;
      await page.evaluate(setFrameOpacity, ['same', '0'] as [string, string]);
      await page.bringToFront();
      await page.mouse.move(at.x, at.y);
      await new Promise((r) => setTimeout(r, 400));
      await page.mouse.click(at.x, at.y);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await ffAppState(await ff.extensionPage())).call).toBeNull();
      await page.evaluate(setFrameOpacity, ['same', ''] as [string, string]);
      const call = await clickCallsLine(page, { x: at.x + 1, y: at.y });
      expect(call).toMatchObject({ direction: 'outbound', displayName: ACCOUNT_NAME });
      await hangUpFromExtension();
    } finally {
      await page.close();
      sites.close();
    }
  });
});

describe('Firefox: microphone not granted', () => {
  let denied: FirefoxBrowser;
  let permissionsDir: string;
  beforeAll(async () => {
    // Production-like: no permission bypass, and the microphone refused for our origin (as after
    // the agent chose "Block" and remembered it).
    permissionsDir = await mkdtemp(join(tmpdir(), 'c2c-ff-permissions-'));
    const file = join(permissionsDir, 'permissions.txt');
    await writeFile(file, `origin\tmicrophone\t2\t${FIREFOX_ORIGIN}\n`);
    denied = await launchFirefox({
      'media.navigator.permission.disabled': false,
      'permissions.manager.defaultsUrl': pathToFileURL(file).href,
    });
  }, 120_000);
  afterAll(async () => {
    await denied?.close();
    await rm(permissionsDir, { recursive: true, force: true });
  });

  it('places no call, says why, and opens the onboarding page', async () => {
    await ffSignIn(denied, backend.url, await backend.addAgent('agent-nomic'));
    const crm = await newTab(denied);
    await crm.goto(`${backend.url}/demo`);
    await waitForSelector(crm, BUTTON);
    await crm.bringToFront();
    await crm.click(BUTTON);
    const onboarding = await waitFor(
      async () => {
        for (const page of await denied.browser.pages()) {
          const href = await page.evaluate(() => location.href).catch(() => '');
          if (/\/onboarding\.html\?reason=mic-(denied|dismissed)$/.test(href)) return page;
        }
        return null;
      },
      20_000,
      'the onboarding page with the reason',
    );
    await waitForSelector(onboarding, '[data-testid=onboarding-reason]');
    const state = await ffAppState(await denied.extensionPage());
    expect(state.call?.phase ?? null).not.toMatch(/connecting|ringing|active/);
    expect(state.lastError?.code ?? state.call?.error?.code).toMatch(/^mic-(denied|dismissed)$/);
    // Nothing reached the line the button calls.
    expect(
      await softphone.evaluate(() =>
        document.querySelector('[data-testid=softphone]')?.getAttribute('data-phase'),
      ),
    ).toBe('idle');
  });
});
