// The offscreen end of the host protocol, in happy-dom: only our iframe, from our origin, with
// well-formed messages, is heard; requests time out; closing rejects what is pending.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Window } from 'happy-dom';
import { CallFailure } from '../../provider';
import { READY_TIMEOUT_MS, SignedCallFrame } from './SignedCallFrame';
import { PROTOCOL, type HostEvent } from './signedCallProtocol';

// Node's URL gives chrome-extension: URLs an opaque origin (Chrome does not), so the test document
// lives on an https origin; the frame's logic does not depend on the scheme.
const ORIGIN = 'https://extension.test';

function setup() {
  const window = new Window({
    url: `${ORIGIN}/offscreen.html`,
    settings: { disableIframePageLoading: true },
  });
  const document = window.document as unknown as Document;
  // happy-dom gives an unloaded iframe no window: give ours one that records what is posted to it.
  const posted: [unknown, string][] = [];
  const contentWindow = {
    postMessage: (message: unknown, origin: string) => posted.push([message, origin]),
  };
  const createElement = document.createElement.bind(document);
  vi.spyOn(document, 'createElement').mockImplementation(((tag: string) => {
    const element = createElement(tag);
    if (tag === 'iframe') Object.defineProperty(element, 'contentWindow', { value: contentWindow });
    return element;
  }) as never);
  const events: HostEvent[] = [];
  const frame = new SignedCallFrame({ document, onEvent: (e) => events.push(e) });
  const iframe = () => document.querySelector('iframe')!;
  /** Delivers a message to the offscreen window as if posted by `source` from `origin`. */
  const deliver = (data: unknown, source: unknown = iframe().contentWindow, origin = ORIGIN) => {
    const event = new window.MessageEvent('message', { data, origin, source: source as never });
    window.dispatchEvent(event);
  };
  return { window, document, frame, events, iframe, deliver, posted };
}

afterEach(() => vi.useRealTimers());

describe('SignedCallFrame', () => {
  it('creates a hidden iframe for the host page with microphone and autoplay, and waits for ready', async () => {
    const { frame, iframe, deliver } = setup();
    const opened = frame.open();
    expect(iframe().src).toBe(`${ORIGIN}/clevertap.html`);
    expect(iframe().getAttribute('allow')).toBe('microphone; autoplay');
    expect(iframe().hidden).toBe(true);
    deliver({ protocol: PROTOCOL, kind: 'ready' });
    await opened;
    expect(frame.running).toBe(true);
  });

  it('ignores ready from another window, another origin, or without our protocol tag', async () => {
    vi.useFakeTimers();
    const { frame, deliver, document } = setup();
    const opened = frame.open().catch((e: unknown) => e);
    deliver({ protocol: PROTOCOL, kind: 'ready' }, {});
    deliver({ protocol: PROTOCOL, kind: 'ready' }, undefined, 'https://evil.example');
    deliver({ protocol: 'other/1', kind: 'ready' });
    await vi.advanceTimersByTimeAsync(READY_TIMEOUT_MS);
    expect(await opened).toBeInstanceOf(CallFailure);
    expect(document.querySelector('iframe')).toBeNull();
  });

  it('posts requests to the iframe only, for our origin, and resolves validated results', async () => {
    const { frame, deliver, posted } = setup();
    const opened = frame.open();
    deliver({ protocol: PROTOCOL, kind: 'ready' });
    await opened;
    const result = frame.request('call', { cuid: 'bob_smith', context: 'Sales' }, 1_000);
    expect(posted).toEqual([
      [
        {
          protocol: PROTOCOL,
          kind: 'request',
          id: 1,
          method: 'call',
          params: { cuid: 'bob_smith', context: 'Sales' },
        },
        ORIGIN,
      ],
    ]);
    // A forged answer from elsewhere is ignored; ours resolves.
    deliver(
      { protocol: PROTOCOL, kind: 'response', id: 1, ok: true, result: { callId: 'forged' } },
      {},
    );
    deliver({ protocol: PROTOCOL, kind: 'response', id: 1, ok: true, result: { callId: 'sc-1' } });
    await expect(result).resolves.toEqual({ callId: 'sc-1' });
  });

  it('turns error responses into CallFailures with the vendor code, and bad results into internal errors', async () => {
    const { frame, deliver } = setup();
    const opened = frame.open();
    deliver({ protocol: PROTOCOL, kind: 'ready' });
    await opened;
    const failing = frame.request('call', { cuid: 'bob_smith', context: 'Sales' }, 1_000);
    deliver({
      protocol: PROTOCOL,
      kind: 'response',
      id: 1,
      ok: false,
      error: { code: 'busy', vendorCode: 'ERR_USER_BUSY', detail: 'busy' },
    });
    const failure = (await failing.catch((e: unknown) => e)) as CallFailure;
    expect(failure.toCallError()).toEqual({
      code: 'busy',
      vendorCode: 'ERR_USER_BUSY',
      detail: 'busy',
    });
    const bad = frame.request('call', { cuid: 'bob_smith', context: 'Sales' }, 1_000);
    deliver({ protocol: PROTOCOL, kind: 'response', id: 2, ok: true, result: { callId: 42 } });
    await expect(bad).rejects.toMatchObject({ code: 'internal' });
  });

  it('passes valid events on and drops malformed ones', async () => {
    const { frame, deliver, events } = setup();
    const opened = frame.open();
    deliver({ protocol: PROTOCOL, kind: 'ready' });
    await opened;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    deliver({ protocol: PROTOCOL, kind: 'event', event: { type: 'answered', callId: 'sc-1' } });
    deliver({ protocol: PROTOCOL, kind: 'event', event: { type: 'answered' } });
    deliver({ protocol: PROTOCOL, kind: 'event', event: { type: 'eval', code: 'alert(1)' } });
    expect(events).toEqual([{ type: 'answered', callId: 'sc-1' }]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('times requests out as provider-unreachable, and rejects pending ones on close', async () => {
    vi.useFakeTimers();
    const { frame, deliver, document } = setup();
    const opened = frame.open();
    deliver({ protocol: PROTOCOL, kind: 'ready' });
    await opened;
    const slow = frame.request(
      'init',
      { accountId: 'a', apikey: 'k', cuid: 'agent_alice', ringtone: 'r' },
      2_000,
    );
    const outcome = slow.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toMatchObject({ code: 'provider-unreachable' });
    const pending = frame.request('hangup', {}, 2_000).catch((e: unknown) => e);
    frame.close();
    expect(await pending).toMatchObject({ code: 'internal' });
    expect(document.querySelector('iframe')).toBeNull();
    await expect(frame.request('hangup', {}, 2_000)).rejects.toMatchObject({
      code: 'not-signed-in',
    });
  });
});
