// Helpers for browser tests of the vendor providers: a free port for Chromium's
// remote debugging, an inspector on the offscreen document (which Playwright does not expose as a
// page), and switching the provider the way the options page does.
import { createServer } from 'node:net';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import {
  appState,
  backgroundRequest,
  EXTENSION_ORIGIN,
  openSoftphone,
  waitFor,
  type Browser,
} from './harness';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A DevTools connection to the offscreen document (Playwright does not expose it as a page):
 * collects exceptions, console errors and CSP reports, including those from before we attached.
 */
export async function inspectOffscreen(
  debugPort: number,
  expected: { console: RegExp; network: RegExp },
) {
  const target = await waitFor(
    async () => {
      const list = (await (await fetch(`http://127.0.0.1:${debugPort}/json/list`)).json()) as {
        url: string;
        webSocketDebuggerUrl?: string;
      }[];
      return list.find(
        (t) => t.url.startsWith(`${EXTENSION_ORIGIN}/offscreen.html`) && t.webSocketDebuggerUrl,
      );
    },
    15_000,
    'the offscreen document',
  );
  const socket = new WebSocket(target!.webSocketDebuggerUrl!);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const problems: string[] = [];
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as {
      id?: number;
      result?: unknown;
      method?: string;
      params?: CdpParams;
    };
    if (message.id) pending.get(message.id)?.(message.result);
    const p = message.params ?? {};
    if (message.method === 'Runtime.exceptionThrown') {
      problems.push(`exception: ${JSON.stringify(p.exceptionDetails).slice(0, 400)}`);
    }
    if (message.method === 'Runtime.consoleAPICalled' && p.type === 'error') {
      const args = p.args ?? [];
      const text = args.map((a) => String(a.value ?? a.description)).join(' ');
      // The vendor SDK logs the failure each test provokes on purpose; anything else is a problem.
      if (!expected.console.test(text)) {
        problems.push(`console.error: ${text.slice(0, 400)}`);
      }
    }
    if (message.method === 'Log.entryAdded') {
      const entry = p.entry!;
      // Failed connections to the vendor's (deliberately unreachable) hosts are expected network errors.
      const vendorNetwork =
        entry.source === 'network' && expected.network.test(`${entry.text} ${entry.url ?? ''}`);
      if (entry.level === 'error' && !vendorNetwork)
        problems.push(`${entry.source}: ${entry.text}`);
    }
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Runtime.enable');
  await send('Log.enable');
  // Prove the inspector hears errors before trusting an empty list.
  await send('Runtime.evaluate', { expression: `console.error('c2c-e2e-probe')` });
  await waitFor(async () => problems.some((p) => p.includes('c2c-e2e-probe')), 5_000, 'the probe');
  problems.splice(0);
  return {
    problems,
    async evaluate<T>(expression: string): Promise<T> {
      const result = (await send('Runtime.evaluate', {
        expression,
        returnByValue: true,
        awaitPromise: true,
      })) as {
        result: { value: T };
      };
      return result.result.value;
    },
    close: () => socket.close(),
  };
}

interface CdpParams {
  exceptionDetails?: unknown;
  type?: string;
  args?: { value?: unknown; description?: string }[];
  entry?: { level: string; source: string; text: string; url?: string };
}

export async function setProvider(
  page: Page,
  provider: 'builtin' | 'vonage' | 'clevertap',
): Promise<void> {
  await page.evaluate(async (provider) => {
    const stored = ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<
      string,
      unknown
    >;
    await chrome.storage.local.set({ settings: { ...stored, provider } });
  }, provider);
}

/** Switches back to the built-in provider and proves a call still rings, answers and hangs up. */
export async function expectBuiltinStillCalls(
  browser: Browser,
  backendUrl: string,
  lineKey: string,
): Promise<void> {
  const page = await browser.extensionPage();
  await setProvider(page, 'builtin');
  await waitFor(
    async () => {
      const s = await appState(page);
      return (
        s.provider.provider === 'builtin' &&
        s.provider.state === 'ready' &&
        (!s.call || s.call.phase === 'ended')
      );
    },
    20_000,
    'the built-in provider',
  );
  const softphone = await openSoftphone(browser, backendUrl, lineKey);
  await waitFor(async () => (await appState(page)).call === null, 10_000, 'no call on screen');
  await backgroundRequest(page, 'startCall', { target: { kind: 'phone', e164: '+14155552671' } });
  await softphone
    .locator('[data-testid=softphone][data-phase=incoming]')
    .waitFor({ timeout: 15_000 });
  await softphone.getByRole('button', { name: 'Answer' }).click();
  await waitFor(
    async () => (await appState(page)).call?.phase === 'active',
    15_000,
    'the call to be active',
  );
  await backgroundRequest(page, 'hangup');
  await softphone.locator('[data-testid=softphone][data-phase=idle]').waitFor({ timeout: 10_000 });
}
