// Headless Firefox ESR for the e2e tests, driven by puppeteer-core over WebDriver BiDi (Playwright
// cannot drive stock Firefox): the Firefox test build installed as a temporary add-on, with a fixed
// moz-extension origin and fake media. Backend helpers come from harness.ts.
import puppeteer, { type Browser as PuppeteerBrowser, type Page } from 'puppeteer-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIREFOX_EXTENSION_ID } from '../../src/extensionKey';
import type { AppState, Diagnostics } from '../../src/messaging/background';
import { waitFor, SOFTPHONE_LINE, type Backend } from './harness';

export const FIREFOX_EXTENSION_PATH = resolve('.output/firefox-mv3-test');
/** The add-on's internal UUID, pinned by pref so tests (and the backend's allowed origins) know it. */
export const FIREFOX_UUID = '6d1b2f1e-4c1a-4b8e-9a57-3c2f0b9e7d10';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_UUID}`;

export interface FirefoxBrowser {
  browser: PuppeteerBrowser;
  /** An extension page (popup.html in a tab), for calling the background like the UI does. */
  extensionPage(): Promise<Page>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function launchFirefox(
  /** Extra Firefox prefs, e.g. `extensions.background.idle.timeout` to suspend the background soon. */
  prefs: Record<string, string | number | boolean> = {},
  /** The built add-on to install (the bench compares another build with this one). */
  extensionPath = FIREFOX_EXTENSION_PATH,
): Promise<FirefoxBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'c2c-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    debuggingPort: await freePort(),
    // BiDi navigates to moz-extension:// pages only with this (tests only).
    args: ['--remote-allow-system-access'],
    protocolTimeout: 60_000,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_UUID }),
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'media.autoplay.default': 0,
      'media.autoplay.block-webaudio': false,
      ...prefs,
    },
  });
  try {
    await browser.installExtension(extensionPath);
  } catch (error) {
    await browser.close();
    throw error;
  }
  let extensionPage: Page | null = null;
  return {
    browser,
    async extensionPage() {
      if (extensionPage && !extensionPage.isClosed()) return extensionPage;
      extensionPage = await openExtensionPage(browser, '/popup.html');
      return extensionPage;
    },
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens an extension page in a new tab. `goto` may never settle on one: poll its URL instead. */
export async function openExtensionPage(browser: PuppeteerBrowser, path: string): Promise<Page> {
  const page = await browser.newPage();
  const url = `${FIREFOX_ORIGIN}${path}`;
  await page.goto(url, { timeout: 5_000 }).catch(() => undefined);
  await waitFor(
    async () =>
      page.evaluate(
        (u) => location.href === u && document.readyState === 'complete' && !!globalThis.chrome,
        url,
      ),
    15_000,
    `${path} loaded`,
  );
  return page;
}

/** The open tab showing extension page `path` (puppeteer may list it as about:blank), if any. */
export async function findExtensionPage(
  browser: PuppeteerBrowser,
  path: string,
): Promise<Page | null> {
  for (const page of await browser.pages()) {
    const href = await page.evaluate(() => location.href).catch(() => '');
    if (href === `${FIREFOX_ORIGIN}${path}`) return page;
  }
  return null;
}

/**
 * Whether the add-on's background page is loaded; asking does not wake it (no message is sent).
 * Firefox suspends it after `extensions.background.idle.timeout` without events.
 */
export async function backgroundRunning(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    chrome.extension.getViews().some((view) => /background/.test(view.location.pathname)),
  );
}

/** Sends one background request from an extension page, exactly as our UIs do. */
export async function ffBackgroundRequest<T = unknown>(
  page: Page,
  type: string,
  data: unknown = {},
): Promise<T> {
  const reply = (await page.evaluate(
    (type, data) => chrome.runtime.sendMessage({ channel: 'c2c/background', type, data }),
    type,
    data as never,
  )) as { ok: boolean; result?: T; error?: { code: string; detail?: string } };
  if (!reply?.ok) throw new Error(`${type} failed: ${JSON.stringify(reply?.error ?? reply)}`);
  return reply.result as T;
}

export const ffAppState = (page: Page) => ffBackgroundRequest<AppState>(page, 'getState');
export const ffDiagnostics = (page: Page) =>
  ffBackgroundRequest<Diagnostics>(page, 'getDiagnostics');

/** Polls until `selector` matches in `page` (waitForSelector/waitForFunction trip on strict CSPs). */
export async function waitForSelector(page: Page, selector: string, timeoutMs = 15_000) {
  await waitFor(
    () => page.evaluate((s) => document.querySelector(s) !== null, selector),
    timeoutMs,
    selector,
  );
}

/** Signs in through the popup's form (typed and clicked), the way an agent does. */
export async function ffSignIn(
  ff: FirefoxBrowser,
  backendUrl: string,
  accessKey: string,
): Promise<Page> {
  const page = await ff.extensionPage();
  await page.bringToFront();
  await waitForSelector(page, 'input[name=accessKey]');
  await page.evaluate(() => {
    (document.querySelector('input[name=backendUrl]') as HTMLInputElement).select();
  });
  await page.type('input[name=backendUrl]', backendUrl);
  await page.type('input[name=accessKey]', accessKey);
  await page.click('form.signin button[type=submit]');
  await waitForSelector(page, '[data-testid=provider-state][data-state=ready]', 30_000);
  return page;
}

/**
 * A new tab in the normal window. New tabs open in the focused window, which after sign-in is the
 * call window: a test page there would go when that window closes.
 */
export async function newTab(ff: FirefoxBrowser): Promise<Page> {
  await (
    await ff.extensionPage()
  ).evaluate(async () => {
    const normal = (await chrome.windows.getAll()).find((w) => w.type === 'normal');
    if (normal?.id !== undefined) await chrome.windows.update(normal.id, { focused: true });
  });
  return ff.browser.newPage();
}

/** The softphone page in a Firefox tab, registered on `line`. */
export async function ffOpenSoftphone(
  ff: FirefoxBrowser,
  backend: Backend,
  key: string,
  agent: string,
  line = SOFTPHONE_LINE,
): Promise<Page> {
  await backend.bindLine(line, agent);
  const page = await newTab(ff);
  await page.goto(
    `${backend.url}/softphone#key=${encodeURIComponent(key)}&line=${encodeURIComponent(line)}`,
  );
  await waitForSelector(page, '[data-testid=softphone][data-phase=idle]');
  return page;
}

export async function ffSoftphoneBytesReceived(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(document.querySelector('[data-testid=stats]')?.getAttribute('data-bytes-received') ?? 0),
  );
}

/** Clicks a button of the softphone by its visible text (the softphone is not under test here). */
export async function clickSoftphoneButton(page: Page, name: string): Promise<void> {
  const clicked = await page.evaluate((name) => {
    const button = [...document.querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === name,
    );
    button?.click();
    return Boolean(button);
  }, name);
  if (!clicked) throw new Error(`the softphone has no "${name}" button`);
}
