// The e2e harness: the real backend in-process on a temp database, Chromium with the built test
// extension and a fake microphone, and helpers to sign in, open the softphone and read call state.
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EXTENSION_ID } from '../../src/extensionKey';
import type { AppState, Diagnostics } from '../../src/messaging/background';

const run = promisify(execFile);
export const EXTENSION_PATH = resolve('.output/chrome-mv3-test');
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
export const SOFTPHONE_LINE = 'tel:+14155552671';

export interface Backend {
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
  /** Starts it again on the same port and database (after `close`). */
  restart(): Promise<void>;
  /** Creates an agent with the admin CLI and returns its one-time access key. */
  addAgent(name: string, ...flags: string[]): Promise<string>;
  /** Binds a softphone line to an agent with the admin CLI (moving it from its current owner). */
  bindLine(address: string, agent: string): Promise<void>;
  /** Stops it and deletes its database. */
  dispose(): Promise<void>;
}

/** Which backend and agent each access key the harness created belongs to (for openSoftphone). */
const keyOwners = new Map<string, { backend: Backend; agent: string }>();

export async function startBackend(env: Record<string, string> = {}): Promise<Backend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'c2c-e2e-'));
  const admin = (...args: string[]) =>
    run('npx', ['tsx', 'backend/admin.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
  const { startServer } = await import('../../backend/server');
  const quiet = { env: { ...process.env, LOG_LEVEL: process.env.E2E_VERBOSE ? 'debug' : 'warn' } };
  let server = await startServer({ port: 0, dataDir, demo: true, ...env }, quiet);
  const { port, url } = server;
  let running = true;
  const close = async () => {
    if (!running) return;
    running = false;
    await server.close();
  };
  const backend: Backend = {
    url,
    port,
    dataDir,
    close,
    restart: async () => {
      server = await startServer({ port, dataDir, demo: true, ...env }, quiet);
      running = true;
    },
    addAgent: async (name, ...flags) => {
      const { stdout } = await admin('agent', 'add', name, ...flags);
      const key = stdout.trim().split('\n').at(-1)?.trim();
      if (!key) throw new Error(`admin CLI printed no key: ${stdout}`);
      keyOwners.set(key, { backend, agent: name });
      return key;
    },
    bindLine: async (address, agent) => {
      try {
        await admin('line', 'add', address, agent);
      } catch (error) {
        // Bound to another agent (an earlier test's softphone): move it.
        if (!/bound to agent/.test((error as { stderr?: string }).stderr ?? '')) throw error;
        await admin('line', 'remove', address);
        await admin('line', 'add', address, agent);
      }
    },
    dispose: async () => {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return backend;
}

export interface Browser {
  context: BrowserContext;
  serviceWorker(): Promise<Worker>;
  /** An extension page (popup.html in a tab), for calling the background like the UI does. */
  extensionPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: {
    microphone?: 'granted' | 'not-granted';
    lang?: string;
    args?: string[];
    /**
     * Keep the call bar's shadow root closed, as in every real build. Without it the test build is
     * told (through extension storage, which pages cannot write) to open it, so Playwright locators
     * can reach the bar's controls; the security tests keep it closed.
     */
    closedShadowRoots?: boolean;
  } = {},
): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'c2c-profile-'));
  const args = [
    `--disable-extensions-except=${EXTENSION_PATH}`,
    `--load-extension=${EXTENSION_PATH}`,
    '--use-fake-device-for-media-stream',
    ...(options.microphone === 'not-granted' ? [] : ['--use-fake-ui-for-media-stream']),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    ...(options.lang ? [`--lang=${options.lang}`] : []),
    ...(options.args ?? []),
  ];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args,
    ignoreDefaultArgs: ['--disable-extensions', '--mute-audio'],
    ...(options.lang ? { locale: options.lang } : {}),
  });
  let extensionPage: Page | null = null;
  const worker = async () => {
    const existing = context.serviceWorkers().find((w) => w.url().startsWith(EXTENSION_ORIGIN));
    return existing ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  };
  if (!options.closedShadowRoots) {
    await (await worker()).evaluate(() => chrome.storage.sync.set({ e2eOpenShadowRoots: true }));
  }
  return {
    context,
    async serviceWorker() {
      const existing = context.serviceWorkers().find((w) => w.url().startsWith(EXTENSION_ORIGIN));
      return existing ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    },
    async extensionPage() {
      if (extensionPage && !extensionPage.isClosed()) return extensionPage;
      extensionPage = await context.newPage();
      await extensionPage.goto(`${EXTENSION_ORIGIN}/popup.html`);
      return extensionPage;
    },
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Sends one background request from an extension page, exactly as our UIs do. */
export async function backgroundRequest<T = unknown>(
  page: Page,
  type: string,
  data: unknown = {},
): Promise<T> {
  const reply = (await page.evaluate(
    ([type, data]) => chrome.runtime.sendMessage({ channel: 'c2c/background', type, data }),
    [type, data] as const,
  )) as { ok: boolean; result?: T; error?: { code: string; detail?: string } };
  if (!reply?.ok) throw new Error(`${type} failed: ${JSON.stringify(reply?.error ?? reply)}`);
  return reply.result as T;
}

export const appState = (page: Page) => backgroundRequest<AppState>(page, 'getState');
export const diagnostics = (page: Page) => backgroundRequest<Diagnostics>(page, 'getDiagnostics');

/** Signs in through the popup's form, the way an agent does. */
export async function signIn(
  browser: Browser,
  backendUrl: string,
  accessKey: string,
): Promise<Page> {
  const page = await browser.extensionPage();
  await page.reload();
  await page.locator('input[name=backendUrl]').fill(backendUrl);
  await page.locator('input[name=accessKey]').fill(accessKey);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.locator('[data-testid=provider-state][data-state=ready]').waitFor({ timeout: 15_000 });
  return page;
}

export async function openSoftphone(
  browser: Browser,
  backendUrl: string,
  key: string,
  line = SOFTPHONE_LINE,
) {
  // Only the agent a line is bound to may register it: bind it to the key's agent first.
  const owner = keyOwners.get(key);
  if (owner) await owner.backend.bindLine(line, owner.agent);
  const page = await browser.context.newPage();
  await page.goto(
    `${backendUrl}/softphone#key=${encodeURIComponent(key)}&line=${encodeURIComponent(line)}`,
  );
  await page.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 15_000 });
  return page;
}

export async function softphoneBytesReceived(page: Page): Promise<number> {
  const stats = page.locator('[data-testid=stats]');
  await stats.waitFor();
  return Number(await stats.getAttribute('data-bytes-received'));
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Stops the extension's service worker the way Chrome does when it is idle, through the DevTools
 * protocol, and resolves once Chrome reports it stopped. (Playwright keeps listing a stopped worker,
 * so its own worker list cannot tell.)
 */
export async function stopServiceWorker(browser: Browser): Promise<void> {
  const page = await browser.extensionPage();
  const cdp = await browser.context.newCDPSession(page);
  const script = `${EXTENSION_ORIGIN}/background.js`;
  try {
    const stopped = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the service worker did not stop')), 10_000);
      cdp.on(
        'ServiceWorker.workerVersionUpdated',
        (event: { versions: { scriptURL: string; runningStatus: string }[] }) => {
          if (event.versions.some((v) => v.scriptURL === script && v.runningStatus === 'stopped')) {
            clearTimeout(timer);
            resolve();
          }
        },
      );
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await stopped;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Hangs up whatever call is live and waits until the agent and the softphone are idle again. */
export async function endAnyCall(browser: Browser, softphone: Page): Promise<void> {
  const ext = await browser.extensionPage();
  await waitFor(
    async () => {
      const state = await appState(ext);
      if (state.call && state.call.phase !== 'ended')
        await backgroundRequest(ext, 'hangup').catch(() => undefined);
      return !state.call || state.call.phase === 'ended';
    },
    10_000,
    'no live call',
  );
  await softphone.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 10_000 });
}

/**
 * Evaluates an expression in our content script's isolated world on `page` (through the DevTools
 * protocol): what the content-script world itself can reach, e.g. storage or closed shadow roots.
 */
export async function evaluateInContentScript<T>(
  browser: Browser,
  page: Page,
  expression: string,
): Promise<T> {
  const cdp = await browser.context.newCDPSession(page);
  try {
    const contexts: {
      id: number;
      origin: string;
      auxData?: { type?: string; isDefault?: boolean };
    }[] = [];
    cdp.on('Runtime.executionContextCreated', (event: { context: (typeof contexts)[number] }) =>
      contexts.push(event.context),
    );
    await cdp.send('Runtime.enable');
    const world = await waitFor(
      async () =>
        contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === EXTENSION_ORIGIN),
      5_000,
      'the content script world',
    );
    const result = (await cdp.send('Runtime.evaluate', {
      expression,
      contextId: world.id,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value?: T }; exceptionDetails?: { exception?: { description?: string } } };
    if (result.exceptionDetails)
      throw new Error(result.exceptionDetails.exception?.description ?? 'evaluation failed');
    return result.result.value as T;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/**
 * How long an agent looks at a control that just appeared before clicking it: our controls in web
 * pages ignore a click on a control that was not visible and still for a moment (clickGuard).
 */
export const AGENT_LOOK_MS = 300;
export const agentLooks = () => new Promise<void>((r) => setTimeout(r, AGENT_LOOK_MS));

/** The agent's own click at a point: the pointer arrives, rests there a moment, then clicks. */
export async function agentClickAt(page: Page, x: number, y: number): Promise<void> {
  await page.mouse.move(x, y);
  await agentLooks();
  await page.mouse.click(x, y);
}
