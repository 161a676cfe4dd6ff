// CleverTapProvider and the host it drives, with both CleverTap SDK modules replaced by typed fakes.
// The frame is replaced by a direct pipe into a real SignedCallHost, through the real protocol schemas.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallFailure, type ProviderContext, type ProviderEvent } from '../../provider';
import { DEFAULT_SETTINGS } from '../../../settings/schema';
import { CleverTapProvider, type FrameLike } from './CleverTapProvider';
import { SignedCallHost } from './host/SignedCallHost';
import { fakeSdk, type FakeSdk } from './host/testing/FakeSignedCall';
import {
  PROTOCOL,
  hostMessageSchema,
  hostRequestSchema,
  resultSchemas,
  type HostMessage,
} from './signedCallProtocol';
import { signedCallError } from './signedCallErrors';
import { callReportSchema, type CallReport } from '../../../contract/callReport';
import { REPORT_RETRY_DELAYS_MS } from './callReporter';

const RINGTONE = 'chrome-extension://test/ringtone.wav';

const SETTINGS_BODY = {
  accountId: 'sc-account',
  apiKey: 'sc-key',
  cuid: 'agent_alice',
  displayName: 'Alice Agent',
  clevertapAccountId: 'TEST-123-456',
  region: 'in1',
};

/** A frame whose messages go straight to a SignedCallHost, validated as on the wire. */
function pipeFrame(sdk: FakeSdk, onEvent: (event: never) => void) {
  let host: SignedCallHost | null = null;
  const deliver = (message: HostMessage) => {
    const parsed = hostMessageSchema.parse(JSON.parse(JSON.stringify(message)));
    if (parsed.kind === 'event') onEvent(parsed.event as never);
    return parsed;
  };
  const frame: FrameLike & { host(): SignedCallHost } = {
    running: false,
    async open() {
      host = new SignedCallHost({
        post: (m) => void deliver(m),
        loadSdk: async () => sdk,
        guidTimeoutMs: 300,
      });
      (frame as { running: boolean }).running = true;
    },
    async request(method, params) {
      const request = hostRequestSchema.parse({
        protocol: PROTOCOL,
        kind: 'request',
        id: 1,
        method,
        params,
      });
      try {
        const result = await host!.handle(request);
        return resultSchemas[method].parse(result) as never;
      } catch (error) {
        const e = signedCallError(error);
        throw new CallFailure(e.code, e.detail, e.vendorCode);
      }
    },
    close: vi.fn(() => {
      (frame as { running: boolean }).running = false;
    }),
    host: () => host!,
  };
  return frame;
}

/** Our backend as the provider sees it: `up: false` refuses connections (a restart). */
interface Backend {
  up: boolean;
  requests: number;
}

async function setup(
  options: {
    body?: object;
    status?: number;
    configure?: (sdk: FakeSdk) => void;
    backend?: Backend;
    /** The backend's answer to call reports (`POST /api/calls/clevertap`): down, or a status. */
    reports?: { down?: boolean; status?: number };
  } = {},
) {
  const sdk = fakeSdk();
  options.configure?.(sdk);
  const events: ProviderEvent[] = [];
  const reports: CallReport[] = [];
  let frame!: ReturnType<typeof pipeFrame>;
  const provider = new CleverTapProvider({
    ringtoneUrl: RINGTONE,
    fetch: async (input, init) => {
      if (String(input) === 'http://backend.test/api/calls/clevertap') {
        expect(init?.method).toBe('POST');
        expect(new Headers(init?.headers).get('authorization')).toBe('Bearer session-token');
        // Validated as the backend validates it.
        reports.push(callReportSchema.parse(JSON.parse(String(init?.body))));
        if (options.reports?.down) throw new TypeError('Failed to fetch');
        return Response.json({}, { status: options.reports?.status ?? 200 });
      }
      expect(String(input)).toBe('http://backend.test/api/token/clevertap');
      expect(new Headers(init?.headers).get('authorization')).toBe('Bearer session-token');
      if (options.backend) {
        options.backend.requests += 1;
        if (!options.backend.up) throw new TypeError('Failed to fetch');
      }
      return options.status
        ? new Response('{"error":"x"}', { status: options.status })
        : Response.json(options.body ?? SETTINGS_BODY);
    },
    createFrame: ({ onEvent }) => (frame = pipeFrame(sdk, onEvent as never)),
  });
  const getMicrophone = vi.fn(async () => ({}) as MediaStream);
  const ctx: ProviderContext = {
    backendUrl: 'http://backend.test',
    token: 'session-token',
    settings: { ...DEFAULT_SETTINGS, clevertap: { callContext: 'Acme Sales is calling' } },
    emit: (event) => events.push(event),
    getMicrophone,
  };
  return { sdk, events, reports, provider, ctx, getMicrophone, frame: () => frame };
}

async function connected(options: Parameters<typeof setup>[0] = {}) {
  const s = await setup(options);
  await s.provider.connect(s.ctx);
  return { ...s, client: s.sdk.client(), socket: s.sdk.client().sigsock.socket };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const last = (events: ProviderEvent[]) => events.at(-1);

beforeEach(() => vi.useRealTimers());
afterEach(() => vi.useRealTimers());

describe('sign-in', () => {
  it('inits the Web SDK in fetch mode and Signed Call with the backend settings and our ringtone', async () => {
    const { sdk } = await connected();
    expect(sdk.clevertap.initArgs).toEqual([
      'TEST-123-456',
      'in1',
      undefined,
      undefined,
      { enableFetchApi: true },
    ]);
    expect(sdk.initSignedCall).toHaveBeenCalledWith(
      expect.objectContaining({
        accountId: 'sc-account',
        apikey: 'sc-key',
        cuid: 'agent_alice',
        name: 'Alice Agent',
        ringtone: RINGTONE,
        clevertap: sdk.clevertap,
      }),
    );
  });

  it('fails clearly, and drops the host document, when sign-in does not succeed (unreachable hosts)', async () => {
    const s = await setup({ configure: (sdk) => (sdk.signInFails = true) });
    const failure = await s.provider.connect(s.ctx).catch((e: unknown) => e);
    expect((failure as CallFailure).toCallError()).toMatchObject({
      code: 'provider-unreachable',
      vendorCode: 'ERR_CONNECTION_NOT_ESTABLISHED',
    });
    expect(s.frame().close).toHaveBeenCalled();
    await expect(
      s.provider.startCall('c-x-00001', { kind: 'contact', id: 'bob_1' }),
    ).rejects.toMatchObject({
      code: 'provider-unreachable',
    });
  });

  it('reports a missing CleverTap ID (Web SDK never reached CleverTap) within the guid timeout', async () => {
    const s = await setup({ configure: (sdk) => (sdk.clevertap.guid = null) });
    const started = Date.now();
    const failure = (await s.provider.connect(s.ctx).catch((e: unknown) => e)) as CallFailure;
    expect(failure.toCallError()).toMatchObject({
      code: 'provider-unreachable',
      vendorCode: 'ERR_MISSING_CT_ID',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    [
      { ...SETTINGS_BODY, cuid: '91_8899555' },
      'provider-not-configured',
      'ERR_INVALID_INITPARAMETERS',
    ],
    [
      { ...SETTINGS_BODY, clevertapAccountId: undefined },
      'provider-not-configured',
      'ERR_MISSING_CT_ACCOUNTID',
    ],
  ])('refuses bad settings before the SDK sees them %#', async (body, code, vendorCode) => {
    const s = await setup({ body });
    const failure = (await s.provider.connect(s.ctx).catch((e: unknown) => e)) as CallFailure;
    expect(failure.toCallError()).toMatchObject({ code, vendorCode });
  });

  it.each([
    [401, 'session-expired'],
    [409, 'provider-not-configured'],
    [503, 'provider-not-configured'],
    [502, 'backend-unreachable'],
  ])('maps the settings response %s to %s', async (status, code) => {
    const s = await setup({ status });
    await expect(s.provider.connect(s.ctx)).rejects.toMatchObject({ code });
  });

  it('connects once per sign-in and logs out on disconnect', async () => {
    const { provider, ctx, sdk, client, frame } = await connected();
    await provider.connect(ctx);
    expect(sdk.initSignedCall).toHaveBeenCalledTimes(1);
    await provider.disconnect();
    expect(client.logout).toHaveBeenCalled();
    expect(frame().close).toHaveBeenCalled();
  });

  it('keeps the SDK from asking for notification permission itself', async () => {
    const requestPermission = vi.fn(async () => 'granted' as NotificationPermission);
    const listeners: ((e: MessageEvent) => void)[] = [];
    const posted: unknown[] = [];
    const parent = { postMessage: (m: unknown) => posted.push(m) };
    const win = {
      location: { origin: 'chrome-extension://abc' },
      parent,
      document: undefined,
      Notification: { requestPermission },
      addEventListener: (type: string, l: (e: MessageEvent) => void) =>
        type === 'message' && listeners.push(l),
    };
    const { startSignedCallHost } = await import('./host/SignedCallHost');
    startSignedCallHost(win as unknown as Window, async () => fakeSdk());
    expect(await win.Notification.requestPermission()).toBe('default');
    expect(requestPermission).not.toHaveBeenCalled();
    expect(posted).toEqual([{ protocol: PROTOCOL, kind: 'ready' }]);
    // Requests from anyone but the parent, or another origin, or malformed, are ignored.
    const request = { protocol: PROTOCOL, kind: 'request', id: 7, method: 'logout', params: {} };
    listeners[0]!({
      source: {},
      origin: 'chrome-extension://abc',
      data: request,
    } as unknown as MessageEvent);
    listeners[0]!({
      source: parent,
      origin: 'https://evil.example',
      data: request,
    } as unknown as MessageEvent);
    listeners[0]!({
      source: parent,
      origin: 'chrome-extension://abc',
      data: { ...request, method: 'eval' },
    } as unknown as MessageEvent);
    await flush();
    expect(posted).toHaveLength(1);
    listeners[0]!({
      source: parent,
      origin: 'chrome-extension://abc',
      data: request,
    } as unknown as MessageEvent);
    await flush();
    expect(posted[1]).toEqual({
      protocol: PROTOCOL,
      kind: 'response',
      id: 7,
      ok: true,
      result: null,
    });
  });
});

describe('outgoing calls', () => {
  async function placed() {
    const s = await connected();
    const started = s.provider.startCall(
      'c-out-0001',
      { kind: 'contact', id: 'bob_smith' },
      'Bob Smith',
    );
    await flush();
    s.client.place('sc-call-1');
    await started;
    return s;
  }

  it('checks the microphone, calls the cuid with the admin context, and reports ringing when placed', async () => {
    const { client, events, getMicrophone } = await placed();
    expect(getMicrophone).toHaveBeenCalled();
    expect(client.call).toHaveBeenCalledWith('bob_smith', 'Acme Sales is calling');
    expect(events).toEqual([{ type: 'ringing', callId: 'c-out-0001' }]);
  });

  it('answered then over (remote hang-up)', async () => {
    const { client, socket, events } = await placed();
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    client.settle({ resolve: 'over' });
    await flush();
    expect(events.slice(1)).toEqual([
      { type: 'answered', callId: 'c-out-0001' },
      { type: 'ended', callId: 'c-out-0001', reason: 'remote-hangup' },
    ]);
  });

  it('our hang-up of an answered call ends it as local', async () => {
    const { provider, client, socket, events } = await placed();
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    await provider.hangup('c-out-0001');
    await flush();
    expect(client.hangup).toHaveBeenCalled();
    expect(last(events)).toEqual({ type: 'ended', callId: 'c-out-0001', reason: 'local-hangup' });
  });

  it('our hang-up while ringing cancels the call', async () => {
    const { provider, client, events } = await placed();
    await provider.hangup('c-out-0001');
    await flush();
    expect(client.dialCancel).toHaveBeenCalled();
    expect(last(events)).toEqual({ type: 'ended', callId: 'c-out-0001', reason: 'local-hangup' });
  });

  it.each([
    [{ reject: 'declined' }, 'declined', undefined],
    [{ reject: 'missed' }, 'no-answer', undefined],
    // The SDK's own cancel after 35 s without answer: no answer, not our hang-up.
    [{ reject: 'cancelled' }, 'no-answer', undefined],
    [
      { reject: 'The user you are trying to reach is busy on another call' },
      'busy',
      { code: 'busy', vendorCode: 'ERR_USER_BUSY' },
    ],
    [
      { reject: { code: 'ERR_INTERNET_LOST', message: 'lost' } },
      'unavailable',
      { code: 'receiver-offline' },
    ],
    [{ reject: new Error('sip exploded') }, 'failed', { code: 'internal' }],
  ])('outcome %j ends as %s', async (outcome, reason, error) => {
    const { client, events } = await placed();
    client.settle(outcome);
    await flush();
    expect(last(events)).toEqual({
      type: 'ended',
      callId: 'c-out-0001',
      reason,
      ...(error ? { error: expect.objectContaining(error) } : {}),
    });
  });

  it('cancels automatically after 35 s without answer (SDK timer) and shows no answer', async () => {
    vi.useFakeTimers();
    const { client, events } = await placed();
    // What setupCancelTimer does in the SDK: dialCancel() after 35 s.
    setTimeout(() => client.dialCancel(), 35_000);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(last(events)).toEqual({ type: 'ended', callId: 'c-out-0001', reason: 'no-answer' });
  });

  it.each([
    ['ERR_USER_BUSY', 'busy'],
    ['404', 'unavailable'],
    ['ERR_INTERNET_LOST', 'unavailable'],
  ])('a callee-side %s before placement ends the call as %s', async (code, reason) => {
    const s = await connected();
    const started = s.provider.startCall('c-out-0002', { kind: 'contact', id: 'bob_smith' });
    await flush();
    s.client.settle({ reject: { code: code === '404' ? 404 : code, message: 'x' } });
    await started;
    expect(s.events).toEqual([
      {
        type: 'ended',
        callId: 'c-out-0002',
        reason,
        error: expect.objectContaining({ vendorCode: code }),
      },
    ]);
  });

  it.each([
    ['ERR_CONNECTION_NOT_ESTABLISHED', 'provider-unreachable'],
    ['ERR_OUTGOING_CALL_IN_PROGRESS', 'call-in-progress'],
    ['ERR_INVALID_CALL_PARAMETERS', 'invalid-target'],
    ['ERR_MIC_UNAVAILABLE', 'mic-denied'],
  ])('a placement failure %s rejects startCall with %s', async (vendorCode, code) => {
    const s = await connected();
    const started = s.provider.startCall('c-out-0003', { kind: 'contact', id: 'bob_smith' });
    await flush();
    s.client.settle({ reject: { code: vendorCode, message: 'x' } });
    const failure = (await started.catch((e: unknown) => e)) as CallFailure;
    expect(failure.toCallError()).toMatchObject({ code, vendorCode });
  });

  it('treats call() returning nothing (SDK not ready after the last call) as call in progress', async () => {
    const s = await connected();
    s.client.call.mockResolvedValueOnce(undefined);
    await expect(
      s.provider.startCall('c-out-0004', { kind: 'contact', id: 'bob_smith' }),
    ).rejects.toMatchObject({
      code: 'call-in-progress',
      vendorCode: 'ERR_OUTGOING_CALL_IN_PROGRESS',
    });
  });

  it.each([
    [{ kind: 'phone', e164: '+14155552671' }, 'invalid-target'],
    [{ kind: 'contact', id: '91_8899555' }, 'invalid-target'],
    [{ kind: 'contact', id: 'agent_alice' }, 'invalid-target'],
  ] as const)('refuses %j before the SDK', async (target, code) => {
    const s = await connected();
    await expect(s.provider.startCall('c-out-0005', target)).rejects.toMatchObject({ code });
    expect(s.client.call).not.toHaveBeenCalled();
  });

  it('checks isEnabled() before every call', async () => {
    const s = await connected();
    s.client.enabled = false;
    await expect(
      s.provider.startCall('c-out-0006', { kind: 'contact', id: 'bob_smith' }),
    ).rejects.toMatchObject({
      code: 'provider-unreachable',
      vendorCode: 'ERR_CONNECTION_NOT_ESTABLISHED',
    });
    expect(s.client.call).not.toHaveBeenCalled();
  });

  it('mutes and unmutes the live call, and has no DTMF', async () => {
    const { provider, client, socket, events } = await placed();
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    await provider.setMuted('c-out-0001', true);
    expect(client.stateLogger('isMuted')).toBe(2);
    await provider.setMuted('c-out-0001', true); // already muted: no toggle
    await provider.setMuted('c-out-0001', false);
    expect(client.toggleMuteUnmute).toHaveBeenCalledTimes(2);
    expect(events.filter((e) => e.type === 'muted')).toEqual([
      { type: 'muted', callId: 'c-out-0001', muted: true },
      { type: 'muted', callId: 'c-out-0001', muted: true },
      { type: 'muted', callId: 'c-out-0001', muted: false },
    ]);
    await expect(provider.sendDtmf()).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('shows a network drop as reconnecting (status and media), not an error', async () => {
    const { client, socket, events } = await placed();
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    socket.receive('disconnect', 'transport close');
    socket.receive('connect');
    expect(events.slice(2)).toEqual([
      { type: 'status', status: { provider: 'clevertap', state: 'reconnecting' } },
      { type: 'media', callId: 'c-out-0001', state: 'reconnecting' },
      { type: 'status', status: { provider: 'clevertap', state: 'ready' } },
      { type: 'media', callId: 'c-out-0001', state: 'connected' },
    ]);
  });
});

describe('our backend restarting mid-call', () => {
  it('leaves an answered Signed Call alone while the backend is away and after it is back', async () => {
    const backend: Backend = { up: true, requests: 0 };
    const { provider, ctx, client, socket, events } = await connected({ backend });
    const started = provider.startCall('c-out-0002', { kind: 'contact', id: 'bob_smith' });
    await flush();
    client.place('sc-call-2');
    await started;
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-2' });
    expect(backend.requests).toBe(1); // the sign-in's settings, nothing since
    backend.up = false;
    // The call session asks again while the backend is down (as it does after any status change):
    // the same sign-in keeps the host document, its SDK session and the call.
    await provider.connect(ctx);
    await provider.setMuted('c-out-0002', true);
    backend.up = true;
    await provider.connect(ctx);
    expect(backend.requests).toBe(1);
    expect(client.hangup).not.toHaveBeenCalled();
    expect(events).toEqual([
      { type: 'ringing', callId: 'c-out-0002' },
      { type: 'answered', callId: 'c-out-0002' },
      { type: 'muted', callId: 'c-out-0002', muted: true },
    ]);
    // It ends only on a real hang-up.
    client.settle({ resolve: 'over' });
    await flush();
    expect(last(events)).toEqual({ type: 'ended', callId: 'c-out-0002', reason: 'remote-hangup' });
  });
});

describe('incoming calls', () => {
  const invite = {
    call: 'sc-in-1',
    context: 'Acme support',
    from: { cuid: 'customer_42', name: 'Carol' },
  };

  it('detects an incoming Signed Call and answers it through the client', async () => {
    const { provider, client, socket, events, getMicrophone } = await connected();
    socket.receive('incoming_call', invite, () => undefined);
    expect(events).toEqual([
      {
        type: 'incoming',
        callId: 'sc-in-1',
        from: { kind: 'contact', id: 'customer_42', label: 'Carol' },
        displayName: 'Carol',
      },
    ]);
    await provider.answer('sc-in-1');
    expect(getMicrophone).toHaveBeenCalled();
    expect(client.answer).toHaveBeenCalled();
    expect(last(events)).toEqual({ type: 'answered', callId: 'sc-in-1' });
    // The caller hangs up: the SDK runs hangup() and reports SCEnd "over".
    client.hangup();
    expect(last(events)).toEqual({ type: 'ended', callId: 'sc-in-1', reason: 'remote-hangup' });
  });

  it('declines through the client', async () => {
    const { provider, client, socket, events } = await connected();
    socket.receive('incoming_call', invite, () => undefined);
    await provider.decline('sc-in-1');
    expect(client.decline).toHaveBeenCalled();
    expect(last(events)).toEqual({ type: 'ended', callId: 'sc-in-1', reason: 'declined' });
  });

  it('closes on the caller cancelling, and on the SDK miss timer', async () => {
    const { client, socket, events } = await connected();
    socket.receive('incoming_call', invite, () => undefined);
    socket.receive('cancel', 'sc-in-1', () => undefined);
    expect(last(events)).toEqual({ type: 'ended', callId: 'sc-in-1', reason: 'cancelled' });
    socket.receive('incoming_call', { ...invite, call: 'sc-in-2' }, () => undefined);
    client.miss();
    expect(last(events)).toEqual({ type: 'ended', callId: 'sc-in-2', reason: 'no-answer' });
  });

  it('reports an answer the SDK refused for the microphone', async () => {
    const { provider, client, socket, events } = await connected();
    socket.receive('incoming_call', invite, () => undefined);
    client.micDenied = true;
    await expect(provider.answer('sc-in-1')).rejects.toMatchObject({
      code: 'mic-denied',
      vendorCode: 'ERR_MIC_UNAVAILABLE',
    });
    expect(last(events)).toMatchObject({
      type: 'ended',
      callId: 'sc-in-1',
      reason: 'failed',
      error: { code: 'mic-denied' },
    });
  });

  it('shows a second call the SDK declined as busy, without touching the live one', async () => {
    const { provider, client, socket, events } = await connected();
    socket.receive('incoming_call', invite, () => undefined);
    await provider.answer('sc-in-1');
    socket.receive(
      'incoming_call',
      { call: 'sc-in-9', from: { cuid: 'other_7' } },
      () => undefined,
    );
    expect(events.slice(-2)).toEqual([
      {
        type: 'incoming',
        callId: 'sc-in-9',
        from: { kind: 'contact', id: 'other_7', label: 'other_7' },
      },
      { type: 'ended', callId: 'sc-in-9', reason: 'busy' },
    ]);
    expect(client.decline).not.toHaveBeenCalled();
    await provider.hangup('sc-in-1');
    expect(last(events)).toEqual({ type: 'ended', callId: 'sc-in-1', reason: 'local-hangup' });
  });
});

describe('call records: the provider reports each call to the backend (POST /api/calls/clevertap)', () => {
  const context = { contactName: 'Bob Smith', pageUrl: 'https://crm.example.com/c/1' };

  async function placed(options: Parameters<typeof setup>[0] = {}) {
    const s = await connected(options);
    const started = s.provider.startCall(
      'c-out-0001',
      { kind: 'contact', id: 'bob_smith' },
      'Bob Smith',
      context,
    );
    await flush();
    s.client.place('sc-call-1');
    await started;
    await flush();
    return s;
  }
  const statuses = (r: CallReport | undefined) => r?.transitions.map((t) => t.status);

  it('sends ringing, answered and the end as the SDK reports them, each repeating the earlier ones', async () => {
    const { client, socket, reports } = await placed();
    expect(reports).toEqual([
      {
        clientCallId: 'c-out-0001',
        cuid: 'bob_smith',
        direction: 'outbound',
        transitions: [{ status: 'ringing', at: expect.any(Number) }],
        context,
      },
    ]);
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    await flush();
    expect(statuses(reports[1])).toEqual(['ringing', 'answered']);
    client.settle({ resolve: 'over' });
    await flush();
    expect(reports).toHaveLength(3);
    expect(reports[2]).toMatchObject({ clientCallId: 'c-out-0001', reason: 'remote-hangup' });
    expect(statuses(reports[2])).toEqual(['ringing', 'answered', 'completed']);
    const [ringing, answered, completed] = reports[2]!.transitions.map((t) => t.at);
    expect(ringing! <= answered! && answered! <= completed!).toBe(true);
  });

  it.each([
    [{ reject: 'declined' }, 'rejected'],
    [{ reject: 'missed' }, 'unanswered'],
    [{ reject: { code: 'ERR_INTERNET_LOST', message: 'lost' } }, 'failed'],
  ])('an outgoing call ending with %j is recorded as %s', async (outcome, status) => {
    const { client, reports } = await placed();
    client.settle(outcome);
    await flush();
    expect(statuses(reports.at(-1))).toEqual(['ringing', status]);
  });

  it('records our hang-up while ringing as cancelled, and a busy callee before placement as busy', async () => {
    const s = await placed();
    await s.provider.hangup('c-out-0001');
    await flush();
    expect(statuses(s.reports.at(-1))).toEqual(['ringing', 'cancelled']);
    const started = s.provider.startCall('c-out-0002', { kind: 'contact', id: 'bob_smith' });
    await flush();
    s.client.settle({ reject: { code: 'ERR_USER_BUSY', message: 'x' } });
    await started;
    await flush();
    expect(s.reports.at(-1)).toMatchObject({ clientCallId: 'c-out-0002', reason: 'busy' });
    expect(statuses(s.reports.at(-1))).toEqual(['busy']);
  });

  it('sends nothing for a call the SDK refused to place', async () => {
    const s = await connected();
    const started = s.provider.startCall('c-out-0003', { kind: 'contact', id: 'bob_smith' });
    await flush();
    s.client.settle({ reject: { code: 'ERR_INVALID_CALL_PARAMETERS', message: 'x' } });
    await started.catch(() => undefined);
    await flush();
    expect(s.reports).toEqual([]);
  });

  it('records incoming calls: answered, missed, and the busy-declined second call', async () => {
    const { provider, client, socket, reports } = await connected();
    const invite = { call: 'sc-in-1', from: { cuid: 'customer_42', name: 'Carol' } };
    socket.receive('incoming_call', invite, () => undefined);
    await flush();
    expect(reports[0]).toEqual({
      clientCallId: 'sc-in-1',
      cuid: 'customer_42',
      direction: 'inbound',
      transitions: [{ status: 'ringing', at: expect.any(Number) }],
      callerName: 'Carol',
    });
    await provider.answer('sc-in-1');
    socket.receive(
      'incoming_call',
      { call: 'sc-in-9', from: { cuid: 'other_7' } },
      () => undefined,
    );
    await flush();
    const busy = reports.filter((r) => r.clientCallId === 'sc-in-9').at(-1);
    expect(busy).toMatchObject({ cuid: 'other_7', reason: 'busy' });
    expect(statuses(busy)).toEqual(['ringing', 'missed']);
    client.hangup();
    await flush();
    expect(statuses(reports.filter((r) => r.clientCallId === 'sc-in-1').at(-1))).toEqual([
      'ringing',
      'answered',
      'completed',
    ]);
    socket.receive('incoming_call', { ...invite, call: 'sc-in-2' }, () => undefined);
    client.miss();
    await flush();
    expect(reports.at(-1)).toMatchObject({ clientCallId: 'sc-in-2', reason: 'no-answer' });
    expect(statuses(reports.at(-1))).toEqual(['ringing', 'missed']);
  });

  it('reports the caller’s name as the SDK gives it, made one printable line, and none when it has none', async () => {
    const { provider, socket, reports } = await connected();
    socket.receive(
      'incoming_call',
      { call: 'sc-in-5', from: { cuid: 'customer_5', name: '  Zoë\n Müller\u0007 ' } },
      () => undefined,
    );
    await flush();
    expect(reports.at(-1)).toMatchObject({ clientCallId: 'sc-in-5', callerName: 'Zoë Müller' });
    await provider.decline('sc-in-5');
    socket.receive(
      'incoming_call',
      { call: 'sc-in-6', from: { cuid: 'customer_6', name: '\t\r\n' } },
      () => undefined,
    );
    await flush();
    expect(reports.at(-1)?.clientCallId).toBe('sc-in-6');
    expect(reports.at(-1)).not.toHaveProperty('callerName');
    await provider.answer('sc-in-6');
    // A second call the SDK declines as busy is recorded with its caller's name too.
    socket.receive(
      'incoming_call',
      { call: 'sc-in-7', from: { cuid: 'customer_7', name: 'x'.repeat(250) } },
      () => undefined,
    );
    await flush();
    expect(reports.filter((r) => r.clientCallId === 'sc-in-7').at(-1)).toMatchObject({
      callerName: 'x'.repeat(200),
      reason: 'busy',
    });
  });

  it('does not let a backend outage touch the call, and retries the latest report until it is back', async () => {
    vi.useFakeTimers();
    const backend = { down: true };
    const { client, socket, events, reports } = await placed({ reports: backend });
    client.connectMedia();
    socket.receive('answer', { callId: 'sc-call-1' });
    client.settle({ resolve: 'over' });
    await flush();
    // The call went on exactly as with the backend up.
    expect(events).toEqual([
      { type: 'ringing', callId: 'c-out-0001' },
      { type: 'answered', callId: 'c-out-0001' },
      { type: 'ended', callId: 'c-out-0001', reason: 'remote-hangup' },
    ]);
    const tried = reports.length;
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_DELAYS_MS[0]);
    expect(reports.length).toBe(tried + 1);
    backend.down = false;
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_DELAYS_MS[1]);
    expect(reports.length).toBe(tried + 2);
    expect(statuses(reports.at(-1))).toEqual(['ringing', 'answered', 'completed']);
    // Delivered: nothing more is sent.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(reports.length).toBe(tried + 2);
  });

  it('gives up after the last retry while the backend stays down, and never retries a refusal', async () => {
    vi.useFakeTimers();
    const s = await placed({ reports: { down: true } });
    s.client.settle({ reject: 'declined' });
    await flush();
    const tried = s.reports.length;
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) + 60_000);
    expect(s.reports.length).toBe(tried + REPORT_RETRY_DELAYS_MS.length);
    expect(statuses(s.reports.at(-1))).toEqual(['ringing', 'rejected']);

    const refused = await placed({ reports: { status: 400 } });
    refused.client.settle({ reject: 'declined' });
    await flush();
    const sent = refused.reports.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(refused.reports.length).toBe(sent);
  });
});
