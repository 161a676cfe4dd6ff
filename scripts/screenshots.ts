// Screenshots of the real UI for the README, with headless Chromium and the built test extension:
// `npm run screenshots` (builds it first). Writes docs/screenshots/*.png.
//
// The options shot shows a field locked by policy, set the real way: a managed-policy file in
// /etc/chromium/policies/managed (needs root), present only while that one browser runs. Japanese
// text needs CJK fonts (Debian: fonts-noto-cjk).
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { EXTENSION_ID } from '../src/extensionKey';
import {
  agentLooks,
  appState,
  EXTENSION_ORIGIN,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  waitFor,
  SOFTPHONE_LINE,
  type Backend,
  type Browser,
} from '../test/e2e/harness';

const OUT = 'docs/screenshots';
const POLICY_FILE = join(
  process.env.CHROMIUM_POLICY_DIR ?? '/etc/chromium/policies/managed',
  'c2c-screenshots-policy.json',
);
const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
const written: string[] = [];

async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const path = join(OUT, name);
  // Let fonts and the last state change settle.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.waitForTimeout(300);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
  const { size } = await stat(path);
  written.push(`${path} (${Math.round(size / 1024)} KB)`);
}

async function extensionPage(browser: Browser, path: string, width: number, height: number) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  await page.goto(`${EXTENSION_ORIGIN}/${path}`);
  return page;
}

async function placeCall(browser: Browser, crm: Page, softphone: Page): Promise<void> {
  await crm.locator(BUTTON).first().click();
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  await softphone.getByRole('button', { name: 'Answer' }).click();
  await crm.locator('c2c-call-bar [data-phase=active]').waitFor({ timeout: 15_000 });
}

async function hangUp(browser: Browser, softphone: Page): Promise<void> {
  const page = await browser.extensionPage();
  const { call } = await appState(page);
  if (call && call.phase !== 'ended')
    await page.evaluate(() =>
      chrome.runtime.sendMessage({ channel: 'c2c/background', type: 'hangup', data: {} }),
    );
  await softphone.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 10_000 });
}

/** Call bar on the demo CRM during a real call, the popup (light, dark), the self-test. */
async function agentShots(backend: Backend, agentKey: string, lineKey: string, adminKey: string) {
  const browser = await launchBrowser();
  try {
    await signIn(browser, backend.url, agentKey);
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const crm = await browser.context.newPage();
    await crm.setViewportSize({ width: 1280, height: 720 });
    await crm.goto(`${backend.url}/demo`);
    await crm.locator(BUTTON).first().waitFor({ timeout: 15_000 });
    await agentLooks();

    // One finished call, so "Recent calls" has something to show.
    await placeCall(browser, crm, softphone);
    await crm.waitForTimeout(2000);
    await hangUp(browser, softphone);
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call === null,
      10_000,
      'idle',
    );

    await placeCall(browser, crm, softphone);
    await crm.waitForTimeout(3200);
    await crm.bringToFront();
    await shoot(crm, 'call-bar.png');

    // The admin console's Live tab, with this call in progress.
    const admin = await browser.context.newPage();
    await admin.setViewportSize({ width: 1280, height: 720 });
    await admin.goto(`${backend.url}/admin`);
    await admin.locator('#access-key').fill(adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.locator('[data-list=calls] [data-call]').first().waitFor({ timeout: 15_000 });
    await shoot(admin, 'admin-live.png');
    await hangUp(browser, softphone);
    // History and Reports over the calls just made (real records, so few of them).
    await admin.goto(`${backend.url}/admin#history`);
    await admin.locator('table.admin-table tbody tr').first().waitFor({ timeout: 15_000 });
    await shoot(admin, 'admin-history.png');
    await admin.goto(`${backend.url}/admin#reports`);
    await admin.locator('[data-chart] canvas').first().waitFor({ timeout: 15_000 });
    await admin.waitForTimeout(800); // Chart.js animates its first draw
    await shoot(admin, 'admin-reports.png', { fullPage: true });
    await admin.close();
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call === null,
      10_000,
      'idle',
    );
    await crm.bringToFront();
    await agentLooks();
    await placeCall(browser, crm, softphone);

    const popup = await extensionPage(browser, 'popup.html', 360, 640);
    await popup.getByTestId('recent-call').first().waitFor({ timeout: 10_000 });
    await popup.getByTestId('popup-call').locator('[data-phase=active]').waitFor();
    await shoot(popup, 'popup.png', { fullPage: true });
    await popup.emulateMedia({ colorScheme: 'dark' });
    await shoot(popup, 'popup-dark.png', { fullPage: true });
    await popup.close();
    await hangUp(browser, softphone);

    const selftest = await extensionPage(browser, 'selftest.html', 900, 1000);
    await selftest.locator('[data-testid=check-provider][data-state=ready]').waitFor();
    await waitFor(
      async () => {
        await selftest.getByRole('button', { name: 'Check again' }).click();
        await selftest.waitForTimeout(300);
        return Number(await selftest.getByTestId('check-rtt').getAttribute('data-ms')) > 0;
      },
      20_000,
      'a signalling round trip',
    );
    await selftest.getByRole('button', { name: 'Test microphone' }).click();
    await waitFor(
      async () => Number(await selftest.getByTestId('mic-level').getAttribute('data-level')) > 8,
      10_000,
      'a visible microphone level',
    );
    await shoot(selftest, 'selftest.png', { fullPage: true });
  } finally {
    await browser.close();
  }
}

/** The options page with fields locked by an organization's policy. */
async function optionsShot() {
  await mkdir(join(POLICY_FILE, '..'), { recursive: true });
  await writeFile(
    POLICY_FILE,
    JSON.stringify({
      '3rdparty': {
        extensions: {
          [EXTENSION_ID]: { backendUrl: 'https://calls.acme.example', defaultCountry: 'US' },
        },
      },
    }),
  );
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const page = await extensionPage(browser, 'options.html', 900, 1100);
    await page.getByTestId('policy-notice').waitFor({ timeout: 15_000 });
    await page.evaluate(() =>
      chrome.storage.local.set({
        settings: {
          sites: ['https://crm.acme.example/*'],
          contactRules: [
            {
              id: 'acme-user',
              label: 'ACME user',
              selector: 'a[data-user]',
              source: { type: 'attribute', name: 'data-user' },
              enabled: true,
            },
          ],
        },
      }),
    );
    await page.reload();
    await page.getByTestId('policy-notice').waitFor();
    await shoot(page, 'options.png');
    // Inline validation on a field the agent may edit.
    await page.getByLabel('Site address pattern').fill('crm.acme.example');
    await page.getByRole('button', { name: 'Add site' }).click();
    const tester = page.getByTestId('rule-tester');
    await tester
      .getByLabel('HTML from the CRM page')
      .fill('<a data-user="ava.t">Ava</a> <a data-user="ben.k">Ben</a>');
    await tester.getByRole('button', { name: 'Test' }).click();
    await tester.getByTestId('rule-test-result').locator('code').first().waitFor();
    await tester.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shoot(page, 'options-rules.png');
  } finally {
    await browser?.close();
    await rm(POLICY_FILE, { force: true });
  }
}

/** The popup in Japanese (needs CJK fonts). */
async function japaneseShot(backend: Backend, agentKey: string) {
  const browser = await launchBrowser({ lang: 'ja' });
  try {
    const page = await browser.extensionPage();
    await page.setViewportSize({ width: 360, height: 640 });
    await page.locator('input[name=backendUrl]').fill(backend.url);
    await page.locator('input[name=accessKey]').fill(agentKey);
    await page.locator('button[type=submit]').click();
    await page
      .locator('[data-testid=provider-state][data-state=ready]')
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('recent-calls').waitFor({ timeout: 10_000 });
    await shoot(page, 'popup-ja.png', { fullPage: true });
  } finally {
    await browser.close();
  }
}

const backend = await startBackend();
try {
  await mkdir(OUT, { recursive: true });
  const agentKey = await backend.addAgent('alex.morgan');
  const lineKey = await backend.addAgent('line1');
  const adminKey = await backend.addAgent('sam.lee', '--admin');
  await agentShots(backend, agentKey, lineKey, adminKey);
  await optionsShot();
  await japaneseShot(backend, agentKey);
  console.log(`wrote:\n  ${written.join('\n  ')}`);
} finally {
  await backend.dispose();
}
