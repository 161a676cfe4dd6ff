// The admin console in headless Chromium against a real backend: sign in with an admin's key, watch
// a built-in call appear live and end (and again after the backend dropped away), find it in
// History, see Reports drawn (and one as PNG), change the outcome list and find it in the agent's
// wrap-up form, add an agent and sign in from the extension with its key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  appState,
  backgroundRequest,
  endAnyCall,
  EXTENSION_ORIGIN,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  waitFor,
  type Backend,
  type Browser,
} from './harness';

let backend: Backend;
let browser: Browser;
let softphone: Page;
let consolePage: Page;

beforeAll(async () => {
  backend = await startBackend();
  const adminKey = await backend.addAgent('boss', '--admin');
  const agentKey = await backend.addAgent('agent1');
  const lineKey = await backend.addAgent('line1');
  browser = await launchBrowser();
  await signIn(browser, backend.url, agentKey);
  softphone = await openSoftphone(browser, backend.url, lineKey);
  consolePage = await browser.context.newPage();
  await consolePage.goto(`${backend.url}/admin`);
  await consolePage.locator('#access-key').fill(adminKey);
  await consolePage.getByRole('button', { name: 'Sign in' }).click();
  await consolePage.getByRole('tab', { name: 'Live' }).waitFor({ timeout: 15_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
});

describe('admin console', () => {
  it('shows a built-in inbound call ringing live, then gone when it ends', async () => {
    await consolePage.bringToFront();
    await consolePage.locator('[data-live-state=on]').waitFor({ timeout: 15_000 });
    expect(await consolePage.locator('[data-list=queue] [data-call]').count()).toBe(0);
    await softphone.getByRole('button', { name: 'Call the sales team' }).click();
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call?.phase === 'incoming',
      15_000,
      'the incoming call',
    );
    const row = consolePage.locator('[data-list=queue] [data-call]');
    await row.first().waitFor({ timeout: 5_000 });
    expect(await row.first().textContent()).toContain('agent1');
    await endAnyCall(browser, softphone);
    await consolePage.locator('[data-list=queue] [data-call]').waitFor({
      state: 'detached',
      timeout: 5_000,
    });
  });

  it('resumes the live view after a network drop, without a reload', async () => {
    await consolePage.bringToFront();
    await consolePage.locator('[data-live-state=on]').waitFor({ timeout: 15_000 });
    const loadedAt = await consolePage.evaluate(() => performance.timeOrigin);
    // The backend goes away (every connection drops) and comes back on the same address.
    await backend.close();
    await consolePage.locator('[data-live-state=off]').waitFor({ timeout: 15_000 });
    await backend.restart();
    await consolePage.locator('[data-live-state=on]').waitFor({ timeout: 20_000 });
    await waitFor(
      async () => (await appState(await browser.extensionPage())).provider.state === 'ready',
      20_000,
      'the agent signalling back',
    );
    // A call after the drop arrives through the resumed stream, on the same page load.
    await softphone.getByRole('button', { name: 'Call the sales team' }).click();
    const row = consolePage.locator('[data-list=queue] [data-call]');
    await row.first().waitFor({ timeout: 15_000 });
    await endAnyCall(browser, softphone);
    await row.first().waitFor({ state: 'detached', timeout: 10_000 });
    expect(await consolePage.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
  });

  it('lists the call in History, filtered by agent, with its detail', async () => {
    await consolePage.bringToFront();
    await consolePage.getByRole('tab', { name: 'History' }).click();
    const rows = consolePage.locator('table.admin-table tbody tr[data-uuid]');
    await rows.first().waitFor({ timeout: 10_000 });
    expect(await rows.first().textContent()).toContain('agent1');
    await consolePage.locator('input[name=agent]').fill('nobody');
    await consolePage.locator('input[name=agent]').press('Enter');
    await rows.first().waitFor({ state: 'detached', timeout: 10_000 });
    await consolePage.locator('input[name=agent]').fill('agent1');
    await consolePage.locator('input[name=agent]').press('Enter');
    await rows.first().waitFor({ timeout: 10_000 });
    const href = await consolePage
      .locator('a[href*="/api/admin/calls/export"]')
      .getAttribute('href');
    expect(href).toContain('agent=agent1');
  });

  it('draws the reports as charts, each downloadable as PNG', async () => {
    await consolePage.getByRole('tab', { name: 'Reports' }).click();
    const chart = consolePage.locator('[data-chart] canvas').first();
    await chart.waitFor({ timeout: 15_000 });
    // Drawn: the canvas holds pixels that are not all transparent.
    await waitFor(
      () =>
        chart.evaluate((c: HTMLCanvasElement) => {
          const ctx = c.getContext('2d')!;
          const { data } = ctx.getImageData(0, 0, c.width, c.height);
          return data.some((v, i) => i % 4 === 3 && v > 0);
        }),
      10_000,
      'a drawn chart',
    );
    const [download] = await Promise.all([
      consolePage.waitForEvent('download'),
      consolePage.locator('[data-chart] a[download$=".png"]').first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('a changed outcome list is what the agent’s wrap-up form offers', async () => {
    await consolePage.getByRole('tab', { name: 'Settings' }).click();
    const list = consolePage.locator('#outcomes-list');
    await list.waitFor({ timeout: 10_000 });
    await list.fill('Demo booked\nCall back later');
    await consolePage.locator('[data-section=outcomes] button[type=submit]').click();
    await consolePage.locator('[data-section=outcomes] [role=status]').waitFor({ timeout: 10_000 });
    const popup = await browser.context.newPage();
    await popup.goto(`${EXTENSION_ORIGIN}/popup.html`);
    await popup.getByTestId('recent-wrapup').first().click({ timeout: 15_000 });
    const options = popup.getByTestId('wrapup-outcome').locator('option');
    await waitFor(async () => (await options.count()) === 3, 10_000, 'the new outcome list');
    expect(await options.allTextContents()).toEqual([
      expect.any(String),
      'Demo booked',
      'Call back later',
    ]);
    await popup.close();
  });

  it('adds an agent; the key shown once signs in from the extension', async () => {
    await consolePage.bringToFront();
    await consolePage.getByRole('tab', { name: 'Agents' }).click();
    await consolePage.locator('#new-name').fill('bad name!');
    await consolePage.locator('form[aria-labelledby=add-agent] button[type=submit]').click();
    await consolePage.locator('#new-name-error').waitFor();
    await consolePage.locator('#new-name').fill('newbie');
    await consolePage.locator('form[aria-labelledby=add-agent] button[type=submit]').click();
    const key = (await consolePage.locator('[data-secret]').textContent({ timeout: 10_000 }))!;
    expect(key).toMatch(/^c2c_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    await consolePage.locator('tr[data-agent=newbie]').waitFor();
    // The agent on this browser signs out; the new agent signs in with the key the console showed.
    await backgroundRequest(await browser.extensionPage(), 'signOut', {});
    const popup = await signIn(browser, backend.url, key.trim());
    expect(await popup.textContent('body')).toContain('newbie');
    await consolePage.bringToFront();
    await consolePage.getByRole('tab', { name: 'Audit log' }).click();
    await consolePage.locator('tr[data-audit="agent.add"]').first().waitFor({ timeout: 10_000 });
  });
});
