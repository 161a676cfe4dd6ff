// Wrap-up end to end on the built-in provider: a call from the CRM row, hung up, the call bar's
// wrap-up form filled and saved; the outcome and notes then show in recent calls, in the CSV export
// and in the signed `call.updated` webhook a real receiver on loopback gets; then the agent edits it
// from recent calls with the keyboard alone, and the edit goes out as a second `call.updated`.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CallEventBody } from '../../backend/outbox/payload';
import { verifySignature } from '../../backend/outbox/sign';
import { startReceiver, type Receiver } from '../../backend/testing/webhookReceiver';
import {
  agentLooks,
  appState,
  EXTENSION_ORIGIN,
  launchBrowser,
  openSoftphone,
  signIn,
  SOFTPHONE_LINE,
  startBackend,
  waitFor,
  type Backend,
  type Browser,
} from './harness';

const run = promisify(execFile);
const BUTTON = `[data-c2c-target="${SOFTPHONE_LINE}"]`;
const SECRET = 'e2e-wrapup-webhook-secret-0123456789abcdef';
const NOTES = 'Wants a quote for 12 seats, "before Friday", 見積もり';
const EDITED = 'Quote sent on Tuesday';

// The receiver is on loopback (http): allowed for this backend and its admin CLI only.
process.env.WEBHOOKS_ALLOW_LOOPBACK = '1';
process.env.WEBHOOKS_RETRY_BASE_MS = '100';

let backend: Backend;
let receiver: Receiver;
let agentKey: string;
let lineKey: string;
let browser: Browser;
let softphone: Page;

beforeAll(async () => {
  receiver = await startReceiver(SECRET);
  backend = await startBackend();
  agentKey = await backend.addAgent('agent1');
  lineKey = await backend.addAgent('line1');
  const dir = await mkdtemp(join(tmpdir(), 'c2c-wrapup-'));
  const secretFile = join(dir, 'secret');
  await writeFile(secretFile, SECRET);
  await run(
    'npx',
    ['tsx', 'backend/admin.ts', 'webhook', 'add', receiver.url, '--secret-file', secretFile],
    {
      env: { ...process.env, DATA_DIR: backend.dataDir },
    },
  );
  browser = await launchBrowser();
  await signIn(browser, backend.url, agentKey);
  softphone = await openSoftphone(browser, backend.url, lineKey);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await backend?.dispose();
  await receiver?.close();
});

async function agentToken(): Promise<string> {
  const response = await fetch(`${backend.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: agentKey }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('wrap-up after a call', () => {
  it('is filled in the call bar after hang-up and reaches recent calls, the export and a webhook', async () => {
    const crm = await browser.context.newPage();
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
    const { call } = await appState(await browser.extensionPage());
    const callId = call!.callId;
    await agentLooks();
    await bar.getByRole('button', { name: 'Hang up' }).click();
    await waitFor(
      async () => (await appState(await browser.extensionPage())).call === null,
      10_000,
      'the call ended',
    );

    // The call bar keeps the wrap-up open after the call has left it.
    const form = bar.getByTestId('wrapup-form');
    await form.waitFor({ timeout: 10_000 });
    await agentLooks();
    await form.getByTestId('wrapup-outcome').selectOption('Follow up');
    await form.getByTestId('wrapup-notes').fill(NOTES);
    await form.getByTestId('wrapup-follow-up').fill('2026-12-04');
    await agentLooks();
    await form.getByTestId('wrapup-save').click();
    // Saved: the panel closes (a refusal would stay open with its message).
    await form.waitFor({ state: 'detached', timeout: 10_000 });

    // Recent calls in the popup show the outcome.
    const popup = await browser.context.newPage();
    await popup.goto(`${EXTENSION_ORIGIN}/popup.html`);
    const item = popup.locator(`[data-testid=recent-call][data-uuid="${callId}"]`);
    await item.waitFor({ timeout: 15_000 });
    await expect(item.getByTestId('recent-detail').textContent()).resolves.toContain('Follow up');
    await popup.close();

    // The CSV export carries the outcome and the notes, quoted as RFC 4180 says.
    const token = await agentToken();
    const csv = await (
      await fetch(`${backend.url}/api/calls/export?format=csv`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).text();
    const line = csv.split('\r\n').find((l) => l.startsWith(`${callId},`) || l.includes(callId));
    expect(line).toBeDefined();
    expect(line).toContain('Follow up');
    expect(line).toContain('"Wants a quote for 12 seats, ""before Friday"", 見積もり"');

    // Edited later from recent calls with the keyboard alone: Enter on Notes opens the saved
    // wrap-up, Tab moves through it, type-ahead picks the outcome, Ctrl+Enter in the notes saves.
    const again = await browser.context.newPage();
    await again.goto(`${EXTENSION_ORIGIN}/popup.html`);
    const row = again.locator(`[data-testid=recent-call][data-uuid="${callId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.getByTestId('recent-wrapup').focus();
    await again.keyboard.press('Enter');
    const edit = row.getByTestId('wrapup-form');
    await edit.waitFor({ timeout: 10_000 });
    await expect(edit.getByTestId('wrapup-notes').inputValue()).resolves.toBe(NOTES);
    await again.keyboard.press('Tab'); // Call back
    await again.keyboard.press('Tab'); // the outcome
    await expect(
      edit.getByTestId('wrapup-outcome').evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await again.keyboard.type('Connected');
    await again.keyboard.press('Tab');
    await again.keyboard.press('ControlOrMeta+A');
    await again.keyboard.type(EDITED);
    await again.keyboard.press('ControlOrMeta+Enter');
    await edit.waitFor({ state: 'detached', timeout: 10_000 });
    await expect(row.getByTestId('recent-detail').textContent()).resolves.toContain('Connected');
    await again.close();
    const history = (await (
      await fetch(`${backend.url}/api/calls`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: { uuid: string; outcome: string | null; notes: string | null }[] };
    expect(history.items.find((c) => c.uuid === callId)).toMatchObject({
      outcome: 'Connected',
      notes: EDITED,
    });

    // The webhook receiver gets the call, then its wrap-up as call.updated, signed, and the edit
    // as a second call.updated after it.
    const updates = () =>
      receiver.received.filter((r) => {
        const body = JSON.parse(r.body) as CallEventBody;
        return body.type === 'call.updated' && body.data.call.uuid === callId;
      });
    await waitFor(async () => updates().length >= 2, 20_000, 'both call.updated deliveries');
    const [updated, edited] = updates();
    expect(verifySignature(SECRET, updated!.body, updated!.signature)).toBe(true);
    const body = JSON.parse(updated!.body) as CallEventBody;
    expect(body.data).toMatchObject({ outcome: 'Follow up', notes: NOTES });
    expect((JSON.parse(edited!.body) as CallEventBody).data).toMatchObject({
      outcome: 'Connected',
      notes: EDITED,
    });
    expect(
      receiver.received.some(
        (r) => (JSON.parse(r.body) as CallEventBody).type === 'call.completed',
      ),
    ).toBe(true);
  });
});
