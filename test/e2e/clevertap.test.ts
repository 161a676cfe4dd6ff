// CleverTap Signed Call in headless Chromium: the real SDKs load in their own document (the hidden
// /clevertap.html iframe of the offscreen document) under the extension's CSP; with CleverTap's
// hosts routed to a closed local port, init fails with a clear message within seconds, nothing is
// left running, and the built-in provider still calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuiltinStillCalls, freePort, inspectOffscreen, setProvider } from './devtools';
import {
  appState,
  backgroundRequest,
  launchBrowser,
  signIn,
  startBackend,
  waitFor,
  type Backend,
  type Browser,
} from './harness';

/** CleverTap's API, Signed Call auth/signalling, the Web SDK's wzrkt hosts, and the remote assets. */
const VENDOR_HOSTS = [
  '*.clevertap-prod.com',
  'clevertap-prod.com',
  '*.clevertap.com',
  '*.wzrkt.com',
  'fonts.googleapis.com',
  'fonts.gstatic.com',
  '*.cloudfront.net',
];
const HOST_RULES = `--host-resolver-rules=${VENDOR_HOSTS.map((h) => `MAP ${h} 127.0.0.1:9`).join(', ')}`;
const VENDOR_NETWORK = /clevertap|wzrkt|cloudfront|googleapis|gstatic|:9\//;
/** The CleverTap project id the Web SDK needs; the backend hands it out with the Signed Call settings. */
const PROJECT_ID = 'TEST-E2E-PROJ';

describe('CleverTap Signed Call provider in the browser', () => {
  let backend: Backend;
  let browser: Browser;
  let debugPort: number;
  let agentKey: string;
  let lineKey: string;

  beforeAll(async () => {
    Object.assign(process.env, {
      CLEVERTAP_ACCOUNT_ID: 'sc_e2e_account',
      CLEVERTAP_API_KEY: 'sc-e2e-api-key',
      CLEVERTAP_REGION: 'in1',
      CLEVERTAP_PROJECT_ID: PROJECT_ID,
    });
    backend = await startBackend();
    agentKey = await backend.addAgent('agent1', '--cuid', 'agent_one');
    lineKey = await backend.addAgent('line1');
    debugPort = await freePort();
    browser = await launchBrowser({ args: [HOST_RULES, `--remote-debugging-port=${debugPort}`] });
    await signIn(browser, backend.url, agentKey);
  });
  afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
  });

  it('loads the SDKs in their own document without errors, and init fails clearly within seconds', async () => {
    const page = await browser.extensionPage();
    const inspector = await inspectOffscreen(debugPort, {
      console: /^CleverTap \[\d+\]: Fetch error:/,
      network: VENDOR_NETWORK,
    });
    const started = Date.now();
    await setProvider(page, 'clevertap');
    // The host document comes up inside the offscreen document, and the SDKs load in it.
    await waitFor(
      () =>
        inspector.evaluate<boolean>(`!!document.querySelector('iframe[src$="/clevertap.html"]')`),
      10_000,
      'the CleverTap host iframe',
    );
    const state = (await waitFor(
      async () => {
        const s = await appState(page);
        return s.provider.provider === 'clevertap' && s.provider.state === 'error' ? s : undefined;
      },
      20_000,
      'Signed Call init to fail',
    ))!;
    const elapsed = Date.now() - started;
    console.log(
      `clevertap: provider error after ${elapsed} ms: ${JSON.stringify(state.provider.error)}`,
    );
    // The Web SDK was loaded and initialised (in fetch mode) but could not reach CleverTap for an ID.
    expect(state.provider.error).toMatchObject({
      code: 'provider-unreachable',
      vendorCode: 'ERR_MISSING_CT_ID',
    });
    expect(elapsed).toBeLessThan(10_000);
    // Nothing keeps running: the host document (and the SDK's endless sign-in retries) is gone, and
    // the offscreen document's own fetch was never replaced.
    expect(await inspector.evaluate<number>(`document.querySelectorAll('iframe').length`)).toBe(0);
    expect(
      await inspector.evaluate<boolean>(`String(window.fetch).includes('[native code]')`),
    ).toBe(true);
    expect(inspector.problems).toEqual([]);
    inspector.close();
  });

  it('a call attempt gives a clear error within seconds, no hang', async () => {
    const page = await browser.extensionPage();
    const started = Date.now();
    const outcome = await backgroundRequest(page, 'startCall', {
      target: { kind: 'contact', id: 'bob_smith' },
    }).then(
      () => null,
      (error: Error) => error.message,
    );
    const call = (await waitFor(
      async () => {
        const { call } = await appState(page);
        return call?.phase === 'ended' || outcome ? (call ?? { phase: 'none' }) : undefined;
      },
      15_000,
      'the call attempt to end',
    ))!;
    const elapsed = Date.now() - started;
    console.log(`clevertap: call attempt → ${JSON.stringify(call)} / ${outcome} in ${elapsed} ms`);
    expect(JSON.stringify(call) + String(outcome)).toMatch(/provider-unreachable/);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('switching back to the built-in provider still calls', () =>
    expectBuiltinStillCalls(browser, backend.url, lineKey));
});
