// The agent's and admin's UI in headless Chromium: the in-page call bar driving a real call on the
// built-in provider, the popup's dial pad and recent calls, the options page's validation and rule
// tester, the self-test, keyboard-only use, and the Japanese UI.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  agentLooks,
  appState,
  endAnyCall,
  EXTENSION_ORIGIN,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
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

async function storedSettings(page: Page): Promise<Record<string, unknown> | undefined> {
  return page.evaluate(
    async () => (await chrome.storage.local.get('settings')).settings as Record<string, unknown>,
  );
}

async function openPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${EXTENSION_ORIGIN}/${path}`);
  return page;
}

describe('agent UI on a live call (built-in provider)', () => {
  let browser: Browser;
  let softphone: Page;
  let popup: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    popup = await signIn(browser, backend.url, agentKey);
    softphone = await openSoftphone(browser, backend.url, lineKey);
  });
  afterAll(async () => {
    await browser?.close();
  });
  // Leave no call behind for the next scenario.
  afterEach(() => endAnyCall(browser, softphone));

  it("the call bar's controls drive the call: name, timer, mute, keypad, minimise, drag, hang up", async () => {
    const crm = await browser.context.newPage();
    await crm.setViewportSize({ width: 1200, height: 800 });
    await crm.goto(`${backend.url}/demo`);
    await crm.locator(BUTTON).first().waitFor({ timeout: 15_000 });
    await agentLooks();
    await crm.locator(BUTTON).first().click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    await softphone.getByRole('button', { name: 'Answer' }).click();

    const bar = crm.locator('c2c-call-bar');
    await bar.locator('[data-phase=active]').waitFor({ timeout: 15_000 });
    // Who is being called: the row's name and the formatted number.
    await expect(bar.locator('.c2c-name').textContent()).resolves.toBe('Ava Thompson');
    await expect(bar.locator('.c2c-number').textContent()).resolves.toBe('+1 415 555 2671');
    await waitFor(
      async () => /^\d\d:\d\d$/.test((await bar.getByTestId('call-timer').textContent()) ?? ''),
      5_000,
      'the call timer',
    );

    // Mute and unmute from the bar (once the agent has seen it settle into the live call).
    await agentLooks();
    await bar.getByRole('button', { name: 'Mute' }).click();
    await waitFor(async () => (await appState(popup)).call?.muted === true, 5_000, 'muted');
    await expect(
      bar.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    // Its label (and size) changed: the agent reads it before clicking again.
    await agentLooks();
    await bar.getByRole('button', { name: 'Unmute' }).click();
    await waitFor(async () => (await appState(popup)).call?.muted === false, 5_000, 'unmuted');

    // DTMF from the keypad reaches the other side (the Mute label changed again: the agent looks).
    await agentLooks();
    await bar.getByRole('button', { name: 'Keypad' }).click();
    const keypad = bar.getByRole('group', { name: 'Keypad' });
    await keypad.waitFor();
    await agentLooks();
    for (const key of ['4', '2', '#'])
      await keypad.getByRole('button', { name: key, exact: true }).click();
    await waitFor(
      async () => (await softphone.getByTestId('dtmf').textContent()) === '42#',
      10_000,
      'DTMF digits on the softphone',
    );

    // Minimise: one line with the name and phase, and still a way to hang up.
    await bar.getByRole('button', { name: 'Minimize the call bar' }).click();
    await bar.getByTestId('call-bar-mini').waitFor();
    await expect(bar.getByTestId('call-bar-mini').textContent()).resolves.toContain('Ava Thompson');
    await expect(bar.locator('[data-phase]').count()).resolves.toBe(0);
    await bar.getByRole('button', { name: 'Expand the call bar' }).click();
    await bar.locator('[data-phase=active]').waitFor();

    // Drag by the handle; the position is remembered for this site.
    const panel = bar.getByTestId('call-bar');
    const before = (await panel.boundingBox())!;
    const grip = bar.getByRole('button', { name: 'Move the call bar' });
    const g = (await grip.boundingBox())!;
    await crm.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
    await crm.mouse.down();
    await crm.mouse.move(g.x - 300, g.y - 200, { steps: 5 });
    await crm.mouse.up();
    const after = (await panel.boundingBox())!;
    expect(Math.round(before.x - after.x)).toBeGreaterThan(250);
    expect(Math.round(before.y - after.y)).toBeGreaterThan(150);
    const saved = await waitFor(
      async () =>
        crm
          .evaluate(() => undefined)
          .then(() =>
            popup.evaluate(
              async (host) =>
                (
                  (await chrome.storage.local.get('callBarPositions')).callBarPositions as
                    Record<string, { right: number; bottom: number }> | undefined
                )?.[host],
              new URL(backend.url).host,
            ),
          ),
      5_000,
      'the stored position',
    );
    expect(saved.right).toBeGreaterThan(250);
    // Keyboard: arrow keys on the handle move it too.
    await grip.focus();
    await crm.keyboard.press('ArrowUp');
    const moved = (await panel.boundingBox())!;
    expect(Math.round(after.y - moved.y)).toBe(16);

    // A second CRM tab does not show this tab's call (a hostile site must not read it) …
    const other = await browser.context.newPage();
    await other.setViewportSize({ width: 1200, height: 800 });
    await other.goto(`${backend.url}/demo`);
    await other.locator(BUTTON).first().waitFor({ timeout: 15_000 });
    await agentLooks();
    await expect(other.locator('c2c-call-bar').getByTestId('call-bar').count()).resolves.toBe(0);
    // … until the tab that placed it closes: then the CRM tab the agent is on shows it, where the
    // agent left the bar.
    await crm.close();
    await other.bringToFront();
    const otherPanel = other.locator('c2c-call-bar').getByTestId('call-bar');
    await otherPanel.waitFor({ timeout: 15_000 });
    await waitFor(
      async () => Math.abs((await otherPanel.boundingBox())!.y - moved.y) < 2,
      5_000,
      'the remembered position on another tab',
    );

    // Hang up with the keyboard alone.
    await agentLooks();
    await other.locator('c2c-call-bar').getByRole('button', { name: 'Hang up' }).focus();
    await other.keyboard.press('Enter');
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
    await waitFor(async () => (await appState(popup)).call === null, 10_000, 'agent idle');
    await other.close();
  });

  it('the popup dials a typed national number, lists it in recent calls, and calls back in one click', async () => {
    // National numbers use the default country from the settings.
    await popup.evaluate(async () => {
      const { settings } = await chrome.storage.local.get('settings');
      await chrome.storage.local.set({
        settings: { ...(settings as object), defaultCountry: 'US' },
      });
    });
    await popup.reload();
    const dial = popup.getByTestId('dialpad');
    await dial
      .getByRole('combobox', { name: 'Phone number or contact ID' })
      .fill('nonsense number!');
    await dial.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(popup.getByTestId('dial-error').textContent()).resolves.toMatch(
      /not a phone number/,
    );

    await dial.getByRole('combobox', { name: 'Phone number or contact ID' }).fill('(415) 555-');
    const keypad = dial.getByRole('group', { name: 'Keypad' });
    for (const key of '2671') await keypad.getByRole('button', { name: key, exact: true }).click();
    await expect(
      dial.getByRole('combobox', { name: 'Phone number or contact ID' }).inputValue(),
    ).resolves.toBe('(415) 555-2671');
    await dial.getByRole('button', { name: 'Call', exact: true }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    await softphone.getByRole('button', { name: 'Answer' }).click();
    const live = popup.getByTestId('popup-call');
    await live.locator('[data-phase=active]').waitFor({ timeout: 15_000 });
    const { call } = await appState(popup);
    expect(call?.target).toEqual({ kind: 'phone', e164: '+14155552671' });
    await live.getByRole('button', { name: 'Hang up' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });

    // The finished call appears in recent calls, formatted, with a call-back button.
    const row = popup.locator(`[data-testid=recent-call][data-uuid="${call!.callId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect(row.textContent()).resolves.toContain('+1 415 555 2671');
    await row.getByRole('button', { name: 'Call back +1 415 555 2671' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    await softphone.getByRole('button', { name: 'Decline' }).click();
    await waitFor(
      async () => {
        const state = await appState(popup);
        return !state.call || state.call.phase === 'ended';
      },
      10_000,
      'the declined call to end',
    );
  });

  it('an incoming call shows Answer and Decline in the popup and the call bar, even after minimising', async () => {
    const crm = await browser.context.newPage();
    await crm.goto(`${backend.url}/demo`);
    await crm.locator(BUTTON).first().waitFor({ timeout: 15_000 });
    const page = await openPage(browser, 'popup.html');
    await page.getByTestId('dialpad').waitFor();

    await softphone.getByRole('button', { name: 'Call the sales team' }).click();
    const live = page.getByTestId('popup-call');
    await live.locator('[data-phase=incoming]').waitFor({ timeout: 15_000 });
    await expect(live.textContent()).resolves.toContain('+1 415 555 2671');
    // While it rings the dial pad cannot start a second call.
    await expect(
      page.getByTestId('dialpad').getByRole('button', { name: 'Call', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    const bar = crm.locator('c2c-call-bar');
    await bar.getByRole('button', { name: 'Decline' }).waitFor();
    // A ringing call cannot be minimised away: Answer stays one click away.
    await expect(bar.getByRole('button', { name: 'Minimize the call bar' }).count()).resolves.toBe(
      0,
    );

    await live.getByRole('button', { name: 'Answer' }).click();
    await bar.locator('[data-phase=active]').waitFor({ timeout: 15_000 });
    await bar.getByRole('button', { name: 'Minimize the call bar' }).click();
    await bar.getByTestId('call-bar-mini').waitFor();
    // The other side hangs up: the reason shows, minimised or not.
    await softphone.getByRole('button', { name: 'Hang up' }).click();
    await bar
      .getByTestId('call-bar-mini')
      .and(crm.locator('[data-call-phase=ended]'))
      .waitFor({ timeout: 10_000 });
    await expect(bar.getByTestId('call-bar-mini').textContent()).resolves.toContain(
      'The other party hung up',
    );
    await live.locator('[data-phase=ended]').waitFor({ timeout: 10_000 });
    await expect(live.textContent()).resolves.toContain('The other party hung up');
    await page.close();
    await crm.close();
  });

  it('the popup works with the keyboard alone: Tab to the dial pad, type, Enter', async () => {
    const page = await openPage(browser, 'popup.html');
    await page.getByTestId('dialpad').waitFor();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'dial-input');
    }
    expect(reached).toBe(true);
    // The focused control shows a visible focus ring.
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.keyboard.type('+1 415 555 2671');
    await page.keyboard.press('Enter');
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('popup-call').locator('[data-phase=ringing]').waitFor();
    await page.getByTestId('popup-call').getByRole('button', { name: 'Hang up' }).focus();
    await page.keyboard.press('Enter');
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('the self-test shows the microphone level, the server, the session, the round trip, and copies diagnostics without secrets', async () => {
    const page = await openPage(browser, 'selftest.html');
    await page.getByTestId('check-backend').and(page.locator('[data-ok=true]')).waitFor();
    await page.getByTestId('check-signed-in').and(page.locator('[data-ok=true]')).waitFor();
    await page.getByTestId('check-provider').and(page.locator('[data-state=ready]')).waitFor();
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Check again' }).click();
        return Number(await page.getByTestId('check-rtt').getAttribute('data-ms')) > 0;
      },
      20_000,
      'a signalling round trip',
    );

    await page.getByRole('button', { name: 'Test microphone' }).click();
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    await waitFor(
      async () => Number(await meter.getAttribute('aria-valuenow')) > 0,
      10_000,
      'the fake microphone on the level meter',
    );
    await page.getByRole('button', { name: 'Stop test' }).click();
    await expect(
      page.getByLabel('Microphone to use').locator('option').count(),
    ).resolves.toBeGreaterThan(1);

    await page.getByRole('button', { name: 'Play test sound' }).click();
    await page
      .getByRole('group', { name: 'Did you hear the ringtone?' })
      .waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Yes' }).click();

    await page.bringToFront();
    await page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await page.getByTestId('copy-status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    // What was copied is shown under "Show what is copied".
    await page.getByText('Show what is copied').click();
    const copied = (await page.getByTestId('diagnostics-preview').textContent()) ?? '';
    const report = JSON.parse(copied) as Record<string, unknown>;
    expect(report).toMatchObject({
      signedIn: true,
      provider: { state: 'ready' },
      checks: { backend: { reachable: true }, output: { played: true } },
    });
    expect(
      ((report.checks as { microphone: { peakLevel: number } }).microphone.peakLevel ?? 0) > 0,
    ).toBe(true);
    const auth = await page.evaluate(
      async () => (await chrome.storage.local.get('auth')).auth as { token: string },
    );
    expect(copied).not.toContain(auth.token);
    expect(copied).not.toContain(agentKey);
    await page.close();
  });

  it('signs out, and explains a refused key or an unreachable server on sign-in', async () => {
    const page = await openPage(browser, 'popup.html');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await expect(appState(page).then((s) => s.agent)).resolves.toBeNull();

    await page.locator('input[name=accessKey]').fill('not-the-right-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('signin-error').textContent()).resolves.toMatch(
      /access key was not accepted/,
    );
    await page.locator('input[name=backendUrl]').fill('http://127.0.0.1:9');
    await page.locator('input[name=accessKey]').fill(agentKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByTestId('signin-error')
      .filter({ hasText: 'Cannot reach the calling server' })
      .waitFor({ timeout: 15_000 });

    // Back to the right server: signed in again.
    await page.locator('input[name=backendUrl]').fill(backend.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('[data-testid=provider-state][data-state=ready]')
      .waitFor({ timeout: 15_000 });
    await page.close();
  });
});

describe('options page', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows inline errors for invalid settings and does not save them; valid ones save', async () => {
    const page = await openPage(browser, 'options.html');
    const before = await storedSettings(page);
    const url = page.getByLabel('Server address');
    await url.fill('ftp://calls.example.com');
    const urlField = page.locator('[data-field=backendUrl]');
    await expect(urlField.getByTestId('field-error').textContent()).resolves.toMatch(
      /starts with https:\/\/ or http:\/\//,
    );
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Default country for national numbers').fill('XX');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('options-status').textContent()).resolves.toMatch(/Not saved/);
    await expect(
      page.locator('[data-field=defaultCountry] [data-testid=field-error]').count(),
    ).resolves.toBe(1);
    // Focus moves to the first invalid field; nothing was stored.
    await waitFor(
      async () => (await page.evaluate(() => document.activeElement?.id)) === 'backendUrl',
      3_000,
      'focus on the first invalid field',
    );
    expect(await storedSettings(page)).toEqual(before);

    await url.fill('https://calls.example.com');
    await page.getByLabel('Default country for national numbers').fill('DE');
    await expect(page.locator('[data-testid=field-error]').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await storedSettings(page)).toMatchObject({
      backendUrl: 'https://calls.example.com',
      defaultCountry: 'DE',
    });
    await page.close();
  });

  it('adds a site inside the click (host permission) and saves it; refuses a bad pattern inline', async () => {
    const page = await openPage(browser, 'options.html');
    const input = page.getByLabel('Site address pattern');
    await input.fill('crm.example.com');
    await page.getByRole('button', { name: 'Add site' }).click();
    await expect(
      page.locator('[data-field=newSite] [data-testid=field-error]').textContent(),
    ).resolves.toMatch(/Not a site pattern/);
    // The test build already holds this host permission, so Chrome grants it without a prompt.
    await input.fill('http://localhost/*');
    await page.getByRole('button', { name: 'Add site' }).click();
    await page.getByTestId('options-status').filter({ hasText: 'Site added and saved.' }).waitFor();
    expect((await storedSettings(page))?.sites).toEqual(['http://localhost/*']);
    await page.getByRole('button', { name: 'Remove http://localhost/*' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await storedSettings(page))?.sites).toEqual([]);
    await page.close();
  });

  it('edits a contact-ID rule with inline validation and tests it against pasted HTML', async () => {
    const page = await openPage(browser, 'options.html');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.getByTestId('rule');
    await expect(rule.getByTestId('field-error').count()).resolves.toBeGreaterThan(0);
    await rule.getByLabel('Name', { exact: true }).fill('ACME user');
    await rule.getByLabel('Rule ID').fill('acme-user');
    await rule.getByLabel('CSS selector').fill('a[data-user]');
    await rule.getByLabel('Attribute name').fill('data-user');
    await expect(rule.getByTestId('field-error').count()).resolves.toBe(0);

    const tester = page.getByTestId('rule-tester');
    await tester.getByLabel('Rule to test').selectOption({ label: 'ACME user' });
    await tester
      .getByLabel('HTML from the CRM page')
      .fill(
        '<ul><li><a data-user="ava.t">Ava</a></li><li><a data-user="ben.k">Ben</a></li><li><a>none</a></li></ul><img src=x onerror="document.title=\'pwned\'">',
      );
    await tester.getByRole('button', { name: 'Test' }).click();
    const result = tester.getByTestId('rule-test-result');
    await expect(result.textContent()).resolves.toContain('Found 2 contact ID(s)');
    await expect(result.locator('code').allTextContents()).resolves.toEqual(['ava.t', 'ben.k']);
    expect(await page.title()).not.toBe('pwned');

    // A shipped preset runs too.
    await tester.getByLabel('Rule to test').selectOption({ label: 'Pipedrive person' });
    await tester.getByLabel('HTML from the CRM page').fill('<a href="/person/123">Ann</a>');
    await tester.getByRole('button', { name: 'Test' }).click();
    await expect(result.locator('code').allTextContents()).resolves.toEqual(['123']);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await storedSettings(page))?.contactRules).toEqual([
      {
        id: 'acme-user',
        label: 'ACME user',
        selector: 'a[data-user]',
        source: { type: 'attribute', name: 'data-user' },
        enabled: true,
      },
    ]);
    await page.close();
  });

  it('imports a settings file: valid values fill the form, a bad file changes nothing', async () => {
    const page = await openPage(browser, 'options.html');
    const file = page.getByTestId('import-file');
    await file.setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"backendUrl":"https://x.example","token":"secret"}'),
    });
    await expect(page.getByTestId('options-status').textContent()).resolves.toMatch(
      /does not know/,
    );
    await file.setInputFiles({
      name: 'good.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({ provider: 'clevertap', clevertap: { callContext: 'Support' } }),
      ),
    });
    await page.getByTestId('options-status').filter({ hasText: 'Imported' }).waitFor();
    await expect(page.getByLabel('Calling provider').inputValue()).resolves.toBe('clevertap');
    await expect(page.getByLabel('Call context shown to the contact').inputValue()).resolves.toBe(
      'Support',
    );
    await page.close();
  });

  it('exports the saved settings as JSON and lists the keyboard shortcuts', async () => {
    const page = await openPage(browser, 'options.html');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export settings' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('click-to-call-settings.json');
    const path = await download.path();
    const exported = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(exported).toMatchObject((await storedSettings(page)) ?? {});
    expect(Object.keys(exported)).toContain('backendUrl');

    const shortcuts = page.getByTestId('shortcuts');
    expect((await shortcuts.locator('tr').allTextContents()).sort()).toEqual([
      'Answer the incoming callAlt+Shift+Y',
      'Change status (Available, Away, Do not disturb)Not set',
      'Hang up the current callAlt+Shift+H',
      'Mute or unmute the current callAlt+Shift+M',
    ]);
    await page.close();
  });
});

describe('themes', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['light', 'rgb(255, 255, 255)', 'rgb(17, 24, 39)'],
    ['dark', 'rgb(31, 41, 55)', 'rgb(249, 250, 251)'],
  ] as const)('follows the system %s setting on every page', async (scheme, bg, fg) => {
    for (const path of ['popup.html', 'options.html', 'selftest.html', 'onboarding.html']) {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${EXTENSION_ORIGIN}/${path}`);
      await page.locator('main:not([aria-busy])').waitFor();
      const colors = await page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return [style.backgroundColor, style.color];
      });
      expect([path, ...colors]).toEqual([path, bg, fg]);
      await page.close();
    }
  });
});

describe('Japanese UI (--lang=ja)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser({ lang: 'ja' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the popup, options, self-test and the call bar in Japanese', async () => {
    const popup = await openPage(browser, 'popup.html');
    await expect(popup.evaluate(() => chrome.i18n.getUILanguage())).resolves.toBe('ja');
    await expect(popup.evaluate(() => document.documentElement.lang)).resolves.toBe('ja');
    await popup.getByRole('heading', { name: 'サインイン', exact: true }).waitFor();
    await popup.getByLabel('アクセスキー').waitFor();
    // A clear error in Japanese for a key that is too short.
    await popup.locator('input[name=accessKey]').fill('short');
    await popup.getByRole('button', { name: 'サインイン' }).click();
    await expect(popup.getByTestId('signin-error').textContent()).resolves.toContain(
      'アクセス キーを入力してください',
    );

    await popup.locator('input[name=backendUrl]').fill(backend.url);
    await popup.locator('input[name=accessKey]').fill(agentKey);
    await popup.getByRole('button', { name: 'サインイン' }).click();
    await popup
      .locator('[data-testid=provider-state][data-state=ready]')
      .waitFor({ timeout: 15_000 });
    await expect(popup.getByTestId('provider-state').textContent()).resolves.toBe('準備完了');
    await popup.getByRole('heading', { name: '最近の通話' }).waitFor();

    const options = await openPage(browser, 'options.html');
    await options.getByRole('heading', { name: 'Click-to-Call の設定' }).waitFor();
    await expect(options.title()).resolves.toBe('Click-to-Call の設定');
    await options.getByLabel('国内番号の既定の国').fill('japan');
    await expect(
      options.locator('[data-field=defaultCountry] [data-testid=field-error]').textContent(),
    ).resolves.toContain('国または地域のコードではありません');

    const selftest = await openPage(browser, 'selftest.html');
    await selftest.getByRole('heading', { name: 'Click-to-Call セルフテスト' }).waitFor();

    // The call bar on a live call, in Japanese, with a locale-formatted timer.
    const softphone = await openSoftphone(browser, backend.url, lineKey);
    const crm = await browser.context.newPage();
    await crm.goto(`${backend.url}/demo`);
    await crm.locator(BUTTON).first().waitFor();
    await agentLooks();
    await crm.locator(BUTTON).first().click();
    await softphone
      .locator('[data-testid=softphone][data-phase=incoming]')
      .waitFor({ timeout: 15_000 });
    await softphone.getByRole('button', { name: 'Answer' }).click();
    const bar = crm.locator('c2c-call-bar');
    await bar.locator('[data-phase=active]').waitFor({ timeout: 15_000 });
    await expect(bar.getByTestId('call-phase').textContent()).resolves.toBe('通話中');
    // The bar re-laid out for the answered call: the agent looks before clicking (click guard).
    await agentLooks();
    await bar.getByRole('button', { name: '通話終了' }).click();
    await softphone
      .locator('[data-testid=softphone][data-phase=idle]')
      .waitFor({ timeout: 10_000 });
  });
});
