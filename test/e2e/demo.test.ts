// The demo CRM page as a new user sees it, call buttons included: it fits a laptop screen, and on a
// narrower window its table scrolls inside its card instead of the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn, startBackend, type Backend, type Browser } from './harness';

let backend: Backend;
let browser: Browser;

beforeAll(async () => {
  backend = await startBackend();
  browser = await launchBrowser();
  await signIn(browser, backend.url, await backend.addAgent('agent1'));
});
afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
});

async function layoutAt(width: number) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 800 });
  await page.goto(`${backend.url}/demo`);
  // Every phone cell has its call button.
  await expect
    .poll(() => page.locator('td.phone [data-c2c-target]').count(), { timeout: 15_000 })
    .toBe(10);
  const layout = await page.evaluate(() => {
    const card = document.querySelector('.card')!;
    return {
      page: document.documentElement.scrollWidth,
      card: card.clientWidth,
      table: card.scrollWidth,
    };
  });
  await page.close();
  return layout;
}

describe('the demo CRM page', () => {
  it('fits 1280 px with the call buttons', async () => {
    const layout = await layoutAt(1280);
    expect(layout.page).toBe(1280);
    expect(layout.table).toBeLessThanOrEqual(layout.card);
  });

  it('scrolls the table inside its card at 800 px, not the page', async () => {
    const layout = await layoutAt(800);
    expect(layout.page).toBe(800);
    expect(layout.table).toBeGreaterThan(layout.card);
  });
});
