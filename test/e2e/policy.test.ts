// Enterprise policy, set the real way: a Chromium managed-policy file with a `3rdparty` entry for our
// extension id (fixed by the manifest `key`). Policy values reach storage.managed, win over local
// settings, and show read-only with the organization's note. The file affects every Chromium on the
// machine, so it exists only while this file's browser runs.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXTENSION_ID } from '../../src/extensionKey';
import {
  appState,
  EXTENSION_ORIGIN,
  launchBrowser,
  startBackend,
  waitFor,
  type Backend,
  type Browser,
} from './harness';

const POLICY_DIR = process.env.CHROMIUM_POLICY_DIR ?? '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'c2c-e2e-policy.json');

let backend: Backend;
let agentKey: string;
let browser: Browser;

const policy = () => ({
  backendUrl: backend.url,
  defaultCountry: 'JP',
  callWaiting: true,
  sites: ['https://crm.acme.example/*'],
  vonage: { region: 'EU', telemetry: false },
});

beforeAll(async () => {
  backend = await startBackend();
  agentKey = await backend.addAgent('agent1');
  await mkdir(POLICY_DIR, { recursive: true });
  await writeFile(
    POLICY_FILE,
    JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: policy() } } }, null, 2),
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await rm(POLICY_FILE, { force: true });
  await backend?.dispose();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${EXTENSION_ORIGIN}/${path}`);
  return page;
}

describe('enterprise policy (managed storage)', () => {
  it('reaches storage.managed from the policy file', async () => {
    const page = await openPage('popup.html');
    const managed = await waitFor(
      async () => {
        const value = await page.evaluate(() => chrome.storage.managed.get());
        return Object.keys(value).length ? value : null;
      },
      15_000,
      'policy values in storage.managed',
    );
    expect(managed).toEqual(policy());
    await page.close();
  });

  it('shows policy fields read-only with the note, and keeps them out of what the agent saves', async () => {
    const page = await openPage('options.html');
    await page.getByTestId('policy-notice').waitFor();

    const url = page.getByLabel('Server address');
    await expect(url.inputValue()).resolves.toBe(backend.url);
    await expect(url.getAttribute('readonly')).resolves.not.toBeNull();
    await expect(
      page
        .locator('[data-field=backendUrl][data-locked=true] [data-testid=locked-note]')
        .textContent(),
    ).resolves.toContain('Managed by your organization');
    // The note is announced with the field.
    await expect(url.getAttribute('aria-describedby')).resolves.toContain('backendUrl-locked');
    // Typing into it changes nothing.
    await url.focus();
    await page.keyboard.type('https://evil.example');
    await expect(url.inputValue()).resolves.toBe(backend.url);

    const country = page.getByLabel('Default country for national numbers');
    await expect(country.inputValue()).resolves.toBe('JP');
    await expect(country.getAttribute('readonly')).resolves.not.toBeNull();
    await expect(page.locator('input[name=callWaiting]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('input[name=callWaiting]').isChecked()).resolves.toBe(true);

    // Policy sites: listed, not removable, and the agent is offered the browser's access grant.
    const sites = page.getByTestId('sites');
    await expect(sites.textContent()).resolves.toContain('https://crm.acme.example/*');
    await expect(sites.getByRole('button').count()).resolves.toBe(0);
    await expect(page.getByLabel('Site address pattern').count()).resolves.toBe(0);
    await page
      .getByTestId('sites-need-access')
      .getByRole('button', { name: 'Allow access' })
      .waitFor();

    // Vonage settings (a locked object) are read-only when Vonage is chosen.
    await page.getByLabel('Calling provider').selectOption('vonage');
    await expect(page.getByLabel('Vonage region').isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel('Vonage region').inputValue()).resolves.toBe('EU');
    await page.getByLabel('Calling provider').selectOption('builtin');

    // Fields the policy leaves alone stay editable and save; policy values are not written locally.
    await expect(page.getByLabel('Calling provider').isDisabled()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByTestId('rule');
    await rule.getByLabel('Name', { exact: true }).fill('Desk');
    await rule.getByLabel('CSS selector').fill('[data-desk]');
    await rule.getByLabel('Attribute name').fill('data-desk');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
    const stored = await page.evaluate(
      async () => (await chrome.storage.local.get('settings')).settings as Record<string, unknown>,
    );
    expect(stored.contactRules).toHaveLength(1);
    expect(stored).not.toHaveProperty('backendUrl');
    expect(stored).not.toHaveProperty('defaultCountry');
    await page.close();
  });

  it('signs in to the server the policy sets, with the address read-only in the popup', async () => {
    const page = await openPage('popup.html');
    const url = page.locator('input[name=backendUrl]');
    await expect(url.inputValue()).resolves.toBe(backend.url);
    await expect(url.getAttribute('readonly')).resolves.not.toBeNull();
    await page.getByTestId('locked-note').waitFor();
    await page.locator('input[name=accessKey]').fill(agentKey);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page
      .locator('[data-testid=provider-state][data-state=ready]')
      .waitFor({ timeout: 15_000 });
    await expect(appState(page).then((s) => s.backendUrl)).resolves.toBe(backend.url);
    await page.close();
  });
});
