// Presence end to end, in headless Chromium with the built test extension: Away and Do not disturb
// agents get no inbound built-in calls while an Available one does; idle → Away → back; a missed
// call leaves its badge count and a notification that stays. The machine cannot be made idle in a
// test, so the test build exposes the background's own chrome.idle handler (`c2cTestIdle`, absent
// from every other build); everything after it (storage, the backend, the badge) is the real path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppState } from '../../src/messaging/background';
import {
  agentLooks,
  appState,
  launchBrowser,
  openSoftphone,
  signIn,
  startBackend,
  waitFor,
  type Backend,
  type Browser,
} from './harness';

let backend: Backend;
let ann: Browser;
let ben: Browser;
let annPopup: Page;
let benPopup: Page;
let softphone: Page;
let annKey: string;
let benKey: string;

/** A second session of the agent, for reading what the backend holds (`GET /api/presence`). */
async function backendPresence(accessKey: string): Promise<() => Promise<string>> {
  const res = await fetch(`${backend.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
  const { token } = (await res.json()) as { token: string };
  return async () => {
    const got = await fetch(`${backend.url}/api/presence`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await got.json()) as { choice: string }).choice;
  };
}

async function choose(popup: Page, presence: string): Promise<number> {
  const select = popup.getByTestId('presence-select');
  await select.waitFor();
  await agentLooks();
  const at = Date.now();
  await select.selectOption(presence);
  return at;
}

const badge = (browser: Browser) =>
  browser.serviceWorker().then((w) => w.evaluate(() => chrome.action.getBadgeText({})));

/** The softphone calls the team; resolves with whichever agent's extension rings. */
async function callTheTeam(): Promise<{ ringing: 'ann' | 'ben' | 'nobody'; state?: AppState }> {
  await softphone.getByRole('button', { name: 'Call the sales team' }).click();
  return waitFor(
    async () => {
      const [a, b] = await Promise.all([appState(annPopup), appState(benPopup)]);
      if (a.call?.phase === 'incoming') return { ringing: 'ann' as const, state: a };
      if (b.call?.phase === 'incoming') return { ringing: 'ben' as const, state: b };
      // Not textContent(): it would wait for the element to appear.
      const messages = await softphone.locator('[data-testid=message]').allTextContents();
      if (messages.some((m) => /Nobody is available/.test(m)))
        return { ringing: 'nobody' as const };
      return undefined;
    },
    15_000,
    'a ringing agent or the softphone told nobody is available',
  );
}

async function softphoneIdle(): Promise<void> {
  await softphone.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  backend = await startBackend();
  annKey = await backend.addAgent('ann');
  benKey = await backend.addAgent('ben');
  const lineKey = await backend.addAgent('presenceline');
  ann = await launchBrowser();
  ben = await launchBrowser();
  annPopup = await signIn(ann, backend.url, annKey);
  benPopup = await signIn(ben, backend.url, benKey);
  softphone = await openSoftphone(ann, backend.url, lineKey);
}, 120_000); // two browsers
afterAll(async () => {
  await ann?.close();
  await ben?.close();
  await backend?.dispose();
});

describe('presence', () => {
  it('Away and Do not disturb agents get no inbound calls; an Available one does', async () => {
    const annOnBackend = await backendPresence(annKey);
    const setAt = await choose(annPopup, 'away');
    await waitFor(async () => (await annOnBackend()) === 'away', 2000, 'ann Away on the backend');
    console.info(
      `presence reached the backend ${Date.now() - setAt} ms after the choice (under load)`,
    );
    for (let i = 0; i < 2; i++) {
      const call = await callTheTeam();
      expect(call.ringing).toBe('ben');
      await agentLooks();
      await benPopup.getByRole('button', { name: 'Decline' }).click();
      await softphoneIdle();
    }
    await choose(benPopup, 'dnd');
    await choose(annPopup, 'available');
    expect((await callTheTeam()).ringing).toBe('ann');
    await agentLooks();
    await annPopup.getByRole('button', { name: 'Decline' }).click();
    await softphoneIdle();
    await choose(annPopup, 'dnd');
    expect((await callTheTeam()).ringing).toBe('nobody');
    await softphoneIdle();
  });

  it('a missed call leaves its count on the badge and a notification that stays until seen', async () => {
    // Ben declined two calls above: both count, each with its own notification.
    const state = await appState(benPopup);
    expect(state.unseenMissed).toBeGreaterThanOrEqual(2);
    const worker = await ben.serviceWorker();
    const notes = await worker.evaluate(() => chrome.notifications.getAll());
    expect(Object.keys(notes).filter((id) => id.startsWith('missed-call:'))).toHaveLength(
      state.unseenMissed!,
    );
    // The popup page stayed open: a badge-count check, then opening the popup clears both.
    await waitFor(async () => (await badge(ben)) === String(state.unseenMissed), 5000, 'the count');
    await benPopup.reload();
    await waitFor(async () => (await appState(benPopup)).unseenMissed === 0, 5000, 'seen');
    expect(
      Object.keys(await worker.evaluate(() => chrome.notifications.getAll())).filter((id) =>
        id.startsWith('missed-call:'),
      ),
    ).toEqual([]);
    await waitFor(async () => (await badge(ben)) === 'DND', 5000, 'the DND badge');
  });

  it('idle → Away → back to Available; an Away the agent chose stays', async () => {
    // Ann declined a call above: see it first, so the badge shows her presence, not the count.
    await annPopup.reload();
    await waitFor(async () => (await appState(annPopup)).unseenMissed === 0, 5000, 'seen');
    await choose(annPopup, 'available');
    const annOnBackend = await backendPresence(annKey);
    await waitFor(async () => (await annOnBackend()) === 'available', 2000, 'available');
    const idle = async (state: string) =>
      (await ann.serviceWorker()).evaluate(
        (s) =>
          (globalThis as unknown as { c2cTestIdle(s: string): Promise<unknown> }).c2cTestIdle(s),
        state,
      );
    await idle('idle');
    expect((await appState(annPopup)).presence).toEqual({
      choice: 'away',
      shown: 'away',
      auto: true,
    });
    await waitFor(async () => (await annOnBackend()) === 'away', 2000, 'idle Away on the backend');
    await annPopup.getByTestId('presence-note').waitFor();
    await waitFor(async () => (await badge(ann)) === 'Away', 5000, 'the Away badge');
    await idle('active');
    expect((await appState(annPopup)).presence).toMatchObject({ choice: 'available', auto: false });
    await waitFor(async () => (await annOnBackend()) === 'available', 2000, 'back on the backend');
    // Chosen Away is not undone by coming back.
    await choose(annPopup, 'away');
    await idle('locked');
    await idle('active');
    expect((await appState(annPopup)).presence).toMatchObject({ choice: 'away', auto: false });
  });

  it('a closed browser counts as offline soon after its call host’s connection closes, not after the heartbeat timeout', async () => {
    await choose(benPopup, 'available');
    // A second session of Ben's (signed in elsewhere), to read what routing and the admins see.
    const res = await fetch(`${backend.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: benKey }),
    });
    const { token } = (await res.json()) as { token: string };
    const shown = async () => {
      const got = await fetch(`${backend.url}/api/presence`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await got.json()) as { presence: string }).presence;
    };
    await waitFor(async () => (await shown()) === 'available', 5000, 'Ben Available');
    const closedAt = Date.now();
    await ben.close();
    // The grace is 15 s (PRESENCE_LINK_GRACE_MS); the HTTP heartbeat alone would take 90 s.
    await waitFor(async () => (await shown()) === 'offline', 45_000, 'Ben offline');
    console.info(`offline ${Date.now() - closedAt} ms after the browser closed (under load)`);
  }, 90_000);
});
