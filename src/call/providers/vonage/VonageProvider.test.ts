import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallFailure, type ProviderContext, type ProviderEvent } from '../../provider';
import { DEFAULT_SETTINGS, type Settings } from '../../../settings/schema';
import { vonageCallContextSchema } from '../../vonageContext';
import { FakeVonageClient, fakeJwt, vonageError } from './testing/FakeVonageClient';
import {
  RECOVERY_DELAYS_MS,
  REFRESH_RETRY_DELAYS_MS,
  REFRESH_RETRY_MS,
  SESSION_TIMEOUT_MS,
  VonageProvider,
} from './VonageProvider';

// The SDK module itself is replaced: the provider's default loader imports this fake.
vi.mock('@vonage/client-sdk', () => ({ VonageClient: FakeVonageClient }));

const BACKEND = 'http://backend.test';
const HOUR = 3_600_000;

interface Backend {
  fetch: typeof fetch;
  tokenRequests: number;
  /** When each token request came (Date.now()). */
  tokenTimes: number[];
  /** Next responses for /api/token/vonage: a status, 'network' for a failed fetch, or 'ok'. */
  tokenQueue: (number | 'network' | 'ok')[];
  lifetimeMs: number;
  calls: { uuid: string; status: string; reason?: string }[];
}

function fakeBackend(): Backend {
  const backend: Backend = {
    tokenRequests: 0,
    tokenTimes: [],
    tokenQueue: [],
    lifetimeMs: HOUR,
    calls: [],
    fetch: async (input, init) => {
      const url = new URL(String(input));
      expect(new Headers(init?.headers).get('authorization')).toBe('Bearer session-token');
      if (url.pathname === '/api/token/vonage') {
        expect(init?.method).toBe('POST');
        backend.tokenRequests++;
        backend.tokenTimes.push(Date.now());
        const next = backend.tokenQueue.shift() ?? 'ok';
        if (next === 'network') throw new TypeError('Failed to fetch');
        if (next !== 'ok') return new Response('{"error":"nope"}', { status: next });
        const expiresAt = Date.now() + backend.lifetimeMs;
        return Response.json({
          jwt: fakeJwt(Math.floor(expiresAt / 1000)),
          expiresAt: new Date(expiresAt).toISOString(),
        });
      }
      if (url.pathname === '/api/calls')
        return Response.json({ items: backend.calls, nextCursor: null });
      return new Response('not found', { status: 404 });
    },
  };
  return backend;
}

function context(backend: Backend, settings: Partial<Settings['vonage']> = {}) {
  const events: ProviderEvent[] = [];
  const getMicrophone = vi.fn(async () => ({}) as MediaStream);
  const ctx: ProviderContext = {
    backendUrl: BACKEND,
    token: 'session-token',
    settings: { ...DEFAULT_SETTINGS, vonage: { ...DEFAULT_SETTINGS.vonage, ...settings } },
    emit: (event) => events.push(event),
    getMicrophone,
  };
  return { ctx, events, getMicrophone };
}

async function connected(settings: Partial<Settings['vonage']> = {}) {
  const backend = fakeBackend();
  const provider = new VonageProvider({ fetch: backend.fetch });
  const { ctx, events, getMicrophone } = context(backend, settings);
  await provider.connect(ctx);
  const client = FakeVonageClient.last();
  return { backend, provider, ctx, events, getMicrophone, client };
}

/** Lets queued promise callbacks run (the fake SDK resolves asynchronously). */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const ended = (events: ProviderEvent[]) => events.filter((e) => e.type === 'ended');
const statuses = (events: ProviderEvent[]) =>
  events.flatMap((e) =>
    e.type === 'status'
      ? [`${e.status.state}${e.status.error ? `:${e.status.error.code}` : ''}`]
      : [],
  );

beforeEach(() => {
  FakeVonageClient.instances = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('session', () => {
  it('creates the session from the backend JWT with region set and telemetry off by default', async () => {
    const { backend, client } = await connected({ region: 'EU' });
    expect(backend.tokenRequests).toBe(1);
    expect(client.initConfig).toMatchObject({ region: 'EU', rtcStatsTelemetry: false });
    expect(client.configs).toEqual([
      expect.objectContaining({ region: 'EU', rtcStatsTelemetry: false }),
    ]);
    expect(client.createSession).toHaveBeenCalledTimes(1);
    expect(client.createSession.mock.calls[0]![0]).toMatch(/^ey/);
  });

  it('turns RTC stats telemetry on only when the admin does', async () => {
    const { client } = await connected({ telemetry: true });
    expect(client.configs[0]).toMatchObject({ rtcStatsTelemetry: true, region: 'US' });
  });

  it('is idempotent for the same sign-in and settings, and rebuilds the session when the region changes', async () => {
    const { provider, ctx, client, backend } = await connected();
    await provider.connect(ctx);
    expect(FakeVonageClient.instances).toHaveLength(1);
    expect(backend.tokenRequests).toBe(1);
    await provider.connect({
      ...ctx,
      settings: { ...ctx.settings, vonage: { region: 'AP', telemetry: false } },
    });
    expect(client.deleteSession).toHaveBeenCalled();
    expect(FakeVonageClient.instances).toHaveLength(2);
    expect(FakeVonageClient.last().configs[0]).toMatchObject({ region: 'AP' });
  });

  it('refreshes the token when three quarters of its life are gone, then again for the new token', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T08:00:00Z') });
    const { client, backend } = await connected();
    await vi.advanceTimersByTimeAsync(45 * 60_000 - 1_000);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(client.refreshSession).toHaveBeenCalledTimes(1);
    expect(backend.tokenRequests).toBe(2);
    await vi.advanceTimersByTimeAsync(45 * 60_000);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    // A whole working day: never a lapse, one refresh per 45 minutes.
    await vi.advanceTimersByTimeAsync(9 * HOUR);
    expect(client.refreshSession).toHaveBeenCalledTimes(2 + 12);
    expect(client.createSession).toHaveBeenCalledTimes(1);
  });

  it('refreshes short-lived tokens a minute before expiry', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T08:00:00Z') });
    const backend = fakeBackend();
    backend.lifetimeMs = 3 * 60_000;
    const provider = new VonageProvider({ fetch: backend.fetch });
    await provider.connect(context(backend).ctx);
    const client = FakeVonageClient.last();
    await vi.advanceTimersByTimeAsync(2 * 60_000 - 1_000 - 1);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_001 + 15_000);
    expect(client.refreshSession).toHaveBeenCalledTimes(1);
  });

  it('retries a failed refresh while the token is still valid', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T08:00:00Z') });
    const { client, backend, events } = await connected();
    backend.tokenQueue.push('network');
    await vi.advanceTimersByTimeAsync(45 * 60_000 + 1);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS);
    expect(client.refreshSession).toHaveBeenCalledTimes(1);
    expect(statuses(events)).toEqual([]);
  });

  it('keeps an answered call through a backend restart: the refresh is retried with back-off until it is back', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T08:00:00Z') });
    const { provider, client, backend, events } = await connected();
    await provider.startCall('c-restart-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
    await flush();
    const before = events.length;
    // The backend goes away just before the refresh is due: refused connections, a 502 from the
    // balancer, refused again, then it answers again.
    backend.tokenQueue.push('network', 'network', 502, 'network', 'network');
    await vi.advanceTimersByTimeAsync(45 * 60_000 + 2 * 60_000);
    const asked = backend.tokenTimes.slice(1); // after the sign-in's
    expect(asked).toHaveLength(6);
    const gaps = asked.slice(1).map((at, i) => at - asked[i]!);
    expect(gaps).toEqual([...REFRESH_RETRY_DELAYS_MS, REFRESH_RETRY_MS]);
    expect(client.refreshSession).toHaveBeenCalledTimes(1);
    // The same session all along, the call never touched, nothing shown to the agent.
    expect(client.createSession).toHaveBeenCalledTimes(1);
    expect(client.hangup).not.toHaveBeenCalled();
    expect(client.reconnectCall).not.toHaveBeenCalled();
    expect(events.slice(before)).toEqual([]);
    // Back on the normal schedule (three quarters of the new token's life), and the call still ends
    // only when someone hangs up.
    await vi.advanceTimersByTimeAsync(45 * 60_000);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    client.fire('callHangup', 'call-1', {} as never, 'REMOTE_HANGUP');
    await flush();
    expect(ended(events)).toEqual([
      { type: 'ended', callId: 'c-restart-1', reason: 'remote-hangup' },
    ]);
  });

  it('refreshes on sessionError EXPIRED_TOKEN and brings live calls back', async () => {
    const { provider, client, events, backend } = await connected();
    await provider.startCall('c-expired-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
    client.fire('sessionError', 'EXPIRED_TOKEN');
    await flush();
    await flush();
    expect(backend.tokenRequests).toBe(2);
    expect(client.refreshSession).toHaveBeenCalledTimes(1);
    expect(client.createSession).toHaveBeenCalledTimes(1);
    expect(client.reconnectCall).toHaveBeenCalledWith('call-1');
    expect(statuses(events)).toEqual(['reconnecting:session-expired', 'ready']);
    expect(events.filter((e) => e.type === 'media')).toEqual([
      { type: 'media', callId: 'c-expired-1', state: 'reconnecting' },
      { type: 'media', callId: 'c-expired-1', state: 'connected' },
    ]);
    expect(ended(events)).toEqual([]);
  });

  it('creates a new session when the SDK no longer accepts a refresh after EXPIRED_TOKEN', async () => {
    const { client, events } = await connected();
    client.refreshSession.mockRejectedValueOnce(vonageError('SESSION_ERROR', 'INVALID_SESSION'));
    client.fire('sessionError', 'EXPIRED_TOKEN');
    await flush();
    await flush();
    expect(client.createSession).toHaveBeenCalledTimes(2);
    expect(statuses(events)).toEqual(['reconnecting:session-expired', 'ready']);
  });

  it('keeps retrying a lost session with back-off and says why meanwhile', async () => {
    vi.useFakeTimers();
    const { provider, client, events, backend } = await connected();
    await provider.startCall('c-lost-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
    backend.tokenQueue.push('network', 'network');
    client.fire('sessionError', 'TRANSPORT_CLOSED');
    await vi.advanceTimersByTimeAsync(0);
    expect(ended(events)).toEqual([
      expect.objectContaining({
        callId: 'c-lost-1',
        reason: 'failed',
        error: expect.objectContaining({ code: 'connection-lost' }),
      }),
    ]);
    await vi.advanceTimersByTimeAsync(RECOVERY_DELAYS_MS[0]!);
    expect(backend.tokenRequests).toBe(3);
    await vi.advanceTimersByTimeAsync(RECOVERY_DELAYS_MS[1]!);
    expect(backend.tokenRequests).toBe(4);
    expect(client.createSession).toHaveBeenCalledTimes(2);
    expect(statuses(events)).toEqual([
      'reconnecting:connection-lost',
      'reconnecting:backend-unreachable',
      'reconnecting:backend-unreachable',
      'ready',
    ]);
    await expect(
      provider.startCall('c-lost-2', { kind: 'phone', e164: '+14155552671' }),
    ).resolves.toBeUndefined();
  });

  it('tries at once when a call is placed while the session is being restored', async () => {
    vi.useFakeTimers();
    const { provider, ctx, client, backend } = await connected();
    backend.tokenQueue.push('network');
    client.fire('sessionError', 'PING_TIMEOUT');
    await vi.advanceTimersByTimeAsync(0);
    await expect(
      provider.startCall('c-wait-1', { kind: 'phone', e164: '+14155552671' }),
    ).rejects.toMatchObject({
      code: 'provider-unreachable',
    });
    await provider.connect(ctx); // what the call session does before retrying the call
    expect(client.createSession).toHaveBeenCalledTimes(2);
    await expect(
      provider.startCall('c-wait-2', { kind: 'phone', e164: '+14155552671' }),
    ).resolves.toBeUndefined();
  });

  it('stops and reports when the backend sign-in has ended', async () => {
    const { client, events, backend } = await connected();
    backend.tokenQueue.push(401);
    client.fire('sessionError', 'TRANSPORT_CLOSED');
    await flush();
    expect(statuses(events)).toEqual(['reconnecting:connection-lost', 'error:session-expired']);
  });

  it('follows the SDK socket reconnecting and reconnection events', async () => {
    const { client, events } = await connected();
    client.fire('reconnecting');
    client.fire('reconnection');
    expect(statuses(events)).toEqual(['reconnecting', 'ready']);
  });

  it.each([
    [401, 'session-expired'],
    [503, 'provider-not-configured'],
    [403, 'provider-not-configured'],
    [409, 'provider-not-configured'],
    [500, 'backend-unreachable'],
    ['network' as const, 'backend-unreachable'],
  ])('maps a token response %s to %s', async (status, code) => {
    const backend = fakeBackend();
    backend.tokenQueue.push(status);
    const provider = new VonageProvider({ fetch: backend.fetch });
    await expect(provider.connect(context(backend).ctx)).rejects.toMatchObject({ code });
  });

  it('gives up on an unreachable Vonage within the session timeout', async () => {
    vi.useFakeTimers();
    const backend = fakeBackend();
    const provider = new VonageProvider({
      fetch: backend.fetch,
      createClient: async (config) => {
        const client = new FakeVonageClient(config);
        client.createSession.mockImplementation(() => new Promise(() => undefined));
        return client;
      },
    });
    const outcome = provider.connect(context(backend).ctx).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS);
    expect(await outcome).toMatchObject({ code: 'provider-unreachable' });
    expect(FakeVonageClient.last().listenerCount()).toBe(0);
  });

  it.each([
    [
      vonageError('NETWORK_ERROR', null as unknown as string),
      'provider-unreachable',
      'NETWORK_ERROR',
    ],
    [vonageError('SESSION_ERROR', 'INVALID_USER'), 'provider-not-configured', 'INVALID_USER'],
    [vonageError('SESSION_ERROR', 'INVALID_TOKEN'), 'provider-not-configured', 'INVALID_TOKEN'],
    [
      vonageError('SESSION_ERROR', 'MAX_OPEN_SESSIONS'),
      'provider-not-configured',
      'MAX_OPEN_SESSIONS',
    ],
    [vonageError('SESSION_ERROR', 'TIMEOUT'), 'provider-unreachable', 'TIMEOUT'],
  ])('maps createSession failure %#', async (error, code, vendorCode) => {
    const backend = fakeBackend();
    const provider = new VonageProvider({
      fetch: backend.fetch,
      createClient: async (config) => {
        const client = new FakeVonageClient(config);
        client.createSession.mockRejectedValue(error);
        return client;
      },
    });
    const failure = await provider.connect(context(backend).ctx).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CallFailure);
    expect((failure as CallFailure).toCallError()).toMatchObject({ code, vendorCode });
  });

  it('disconnect hangs up, removes its listeners and deletes the session', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-disc-1', { kind: 'phone', e164: '+14155552671' });
    await provider.disconnect();
    expect(client.hangup).toHaveBeenCalledWith('call-1');
    expect(client.deleteSession).toHaveBeenCalled();
    expect(client.listenerCount()).toBe(0);
    expect(ended(events)).toEqual([{ type: 'ended', callId: 'c-disc-1', reason: 'local-hangup' }]);
  });
});

describe('outbound calls', () => {
  it('calls a phone number through serverCall with the context the answer webhook reads', async () => {
    const { provider, client, getMicrophone } = await connected();
    await provider.startCall('c-phone-1', { kind: 'phone', e164: '+14155552671', ext: '12' });
    const context = client.serverCall.mock.calls[0]![0];
    expect(context).toEqual({ type: 'phone', to: '14155552671', ext: '12', callId: 'c-phone-1' });
    expect(vonageCallContextSchema.parse(context)).toEqual(context);
    expect(getMicrophone).toHaveBeenCalledTimes(1);
  });

  it('calls a contact as an app-to-app call', async () => {
    const { provider, client } = await connected();
    await provider.startCall('c-app-1', { kind: 'contact', id: 'agent_7' });
    expect(client.serverCall).toHaveBeenCalledWith({
      type: 'app',
      to: 'agent_7',
      callId: 'c-app-1',
    });
  });

  it('refuses an invalid target before reaching Vonage', async () => {
    const { provider, client } = await connected();
    await expect(
      provider.startCall('c-bad-1', { kind: 'phone', e164: '+0123' }),
    ).rejects.toMatchObject({
      code: 'invalid-target',
    });
    expect(client.serverCall).not.toHaveBeenCalled();
  });

  it('reports ringing then answered from the callee leg, once each', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-leg-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'RINGING');
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'RINGING');
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'COMPLETED');
    client.fire('legStatusUpdate', 'other-call', 'leg-x', 'RINGING');
    expect(events).toEqual([
      { type: 'ringing', callId: 'c-leg-1' },
      { type: 'answered', callId: 'c-leg-1' },
    ]);
  });

  it('replays events that arrive before serverCall returns the call id', async () => {
    const { provider, client, events } = await connected();
    client.serverCall.mockImplementationOnce(async () => {
      client.fire('legStatusUpdate', 'early-call', 'leg-b', 'RINGING');
      return 'early-call';
    });
    await provider.startCall('c-early-1', { kind: 'phone', e164: '+14155552671' });
    expect(events).toEqual([{ type: 'ringing', callId: 'c-early-1' }]);
  });

  it.each([
    ['REMOTE_HANGUP', true, 'remote-hangup', undefined],
    ['REMOTE_REJECT', false, 'declined', undefined],
    ['REMOTE_NO_ANSWER_TIMEOUT', false, 'no-answer', undefined],
    [
      'MEDIA_TIMEOUT',
      true,
      'media-timeout',
      { code: 'connection-lost', vendorCode: 'MEDIA_TIMEOUT' },
    ],
    ['LOCAL_HANGUP', true, 'local-hangup', undefined],
  ] as const)(
    'maps callHangup %s (answered %s) to %s',
    async (reason, answered, endReason, error) => {
      const { provider, client, events } = await connected();
      await provider.startCall('c-hang-1', { kind: 'phone', e164: '+14155552671' });
      client.fire('legStatusUpdate', 'call-1', 'leg-b', 'RINGING');
      if (answered) client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
      client.fire('callHangup', 'call-1', {} as never, reason);
      await flush();
      expect(ended(events)).toEqual([
        {
          type: 'ended',
          callId: 'c-hang-1',
          reason: endReason,
          ...(error ? { error: expect.objectContaining(error) } : {}),
        },
      ]);
    },
  );

  it('asks the backend why a call ended before it rang: refused by policy', async () => {
    const { provider, client, events, backend } = await connected();
    backend.calls.push({ uuid: 'call-1', status: 'refused', reason: 'country not allowed' });
    await provider.startCall('c-policy-1', { kind: 'phone', e164: '+882100000000' });
    client.fire('callHangup', 'call-1', {} as never, 'REMOTE_HANGUP');
    await vi.waitFor(() => expect(ended(events)).toHaveLength(1));
    expect(ended(events)[0]).toEqual({
      type: 'ended',
      callId: 'c-policy-1',
      reason: 'refused-by-policy',
      error: {
        code: 'refused-by-policy',
        detail: 'country not allowed',
        vendorCode: 'country not allowed',
      },
    });
  });

  it('calls a call that ended before ringing, with no refusal on record, unavailable', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-unav-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('callHangup', 'call-1', {} as never, 'REMOTE_HANGUP');
    await vi.waitFor(() => expect(ended(events)).toHaveLength(1));
    expect(ended(events)[0]).toMatchObject({
      reason: 'unavailable',
      error: { code: 'receiver-offline', vendorCode: 'REMOTE_HANGUP' },
    });
  });

  it('reports a denied microphone precisely and drops the call it placed', async () => {
    const { provider, client, getMicrophone } = await connected();
    getMicrophone.mockRejectedValueOnce(new CallFailure('mic-denied', 'NotAllowedError'));
    await expect(
      provider.startCall('c-mic-1', { kind: 'phone', e164: '+14155552671' }),
    ).rejects.toMatchObject({
      code: 'mic-denied',
    });
    expect(client.hangup).toHaveBeenCalledWith('call-1');
  });

  it.each([
    [vonageError('NETWORK_ERROR'), 'provider-unreachable'],
    [vonageError('CS_ERROR', 'USER_NOT_FOUND'), 'invalid-target'],
    [vonageError('CS_ERROR', 'VALIDATION_FAIL'), 'bad-request'],
    [vonageError('SESSION_ERROR', 'EXPIRED_TOKEN'), 'session-expired'],
    [new Error('NotAllowedError: Permission denied'), 'mic-denied'],
  ])('maps a serverCall failure %# to %s', async (error, code) => {
    const { provider, client } = await connected();
    client.serverCall.mockRejectedValueOnce(error);
    await expect(
      provider.startCall('c-fail-1', { kind: 'phone', e164: '+14155552671' }),
    ).rejects.toMatchObject({
      code,
    });
  });

  it('hangs up a call whose hang-up was asked for while serverCall was in flight', async () => {
    const { provider, client, events } = await connected();
    let release!: (id: string) => void;
    client.serverCall.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    const started = provider.startCall('c-race-1', { kind: 'phone', e164: '+14155552671' });
    await flush();
    await provider.hangup('c-race-1');
    release('call-9');
    await started;
    expect(client.hangup).toHaveBeenCalledWith('call-9');
    expect(ended(events)).toEqual([{ type: 'ended', callId: 'c-race-1', reason: 'local-hangup' }]);
  });

  it('hangs up, mutes, unmutes and sends DTMF on the Vonage call', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-ctl-1', { kind: 'phone', e164: '+14155552671' });
    await provider.setMuted('c-ctl-1', true);
    await provider.setMuted('c-ctl-1', false);
    await provider.sendDtmf('c-ctl-1', '12#');
    await expect(provider.sendDtmf('c-ctl-1', '12a')).rejects.toMatchObject({
      code: 'bad-request',
    });
    await provider.hangup('c-ctl-1');
    client.fire('callHangup', 'call-1', {} as never, 'LOCAL_HANGUP'); // arrives after we already ended it
    expect(client.mute).toHaveBeenCalledWith('call-1');
    expect(client.unmute).toHaveBeenCalledWith('call-1');
    expect(client.sendDTMF).toHaveBeenCalledWith('call-1', '12#');
    expect(client.hangup).toHaveBeenCalledWith('call-1');
    expect(events).toEqual([
      { type: 'muted', callId: 'c-ctl-1', muted: true },
      { type: 'muted', callId: 'c-ctl-1', muted: false },
      { type: 'ended', callId: 'c-ctl-1', reason: 'local-hangup' },
    ]);
  });

  it('reports media statistics from the SDK peer connection', async () => {
    const { provider, client } = await connected();
    await provider.startCall('c-stats-1', { kind: 'phone', e164: '+14155552671' });
    expect(await provider.getStats('c-stats-1')).toBeNull();
    const report = new Map<string, Record<string, unknown>>([
      ['o', { type: 'outbound-rtp', kind: 'audio', bytesSent: 1200 }],
      [
        'i',
        { type: 'inbound-rtp', kind: 'audio', bytesReceived: 3400, packetsLost: 2, jitter: 0.004 },
      ],
      ['p', { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.05 }],
      ['v', { type: 'inbound-rtp', kind: 'video', bytesReceived: 999 }],
    ]);
    const pc = {
      connectionState: 'connected',
      getStats: async () => report,
    } as unknown as RTCPeerConnection;
    client.getPeerConnection.mockImplementation((id) => (id === 'call-1' ? pc : undefined));
    expect(await provider.getStats('c-stats-1')).toEqual({
      connectionState: 'connected',
      bytesSent: 1200,
      bytesReceived: 3400,
      packetsLost: 2,
      jitterMs: 4,
      roundTripMs: 50,
    });
  });

  it('shows media reconnects and ends the call when media is lost for good', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-media-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('callMediaReconnecting', 'call-1');
    client.fire('callMediaReconnection', 'call-1');
    client.fire('callMediaReconnecting', 'call-1');
    client.fire('callMediaDisconnect', 'call-1', 'networkChange');
    expect(events).toEqual([
      { type: 'media', callId: 'c-media-1', state: 'reconnecting' },
      { type: 'media', callId: 'c-media-1', state: 'connected' },
      { type: 'media', callId: 'c-media-1', state: 'reconnecting' },
      {
        type: 'ended',
        callId: 'c-media-1',
        reason: 'failed',
        error: expect.objectContaining({ code: 'connection-lost', vendorCode: 'networkChange' }),
      },
    ]);
    expect(client.hangup).toHaveBeenCalledWith('call-1');
  });
});

describe('inbound calls', () => {
  it('reports an invite from a phone caller, answers it through the SDK', async () => {
    const { provider, client, events, getMicrophone } = await connected();
    client.fire('callInvite', 'in-1', '447700900000', 'phone');
    expect(events).toEqual([
      { type: 'incoming', callId: 'in-1', from: { kind: 'phone', e164: '+447700900000' } },
    ]);
    await provider.answer('in-1');
    expect(getMicrophone).toHaveBeenCalled();
    expect(client.answer).toHaveBeenCalledWith('in-1');
    expect(events.at(-1)).toEqual({ type: 'answered', callId: 'in-1' });
    client.fire('callHangup', 'in-1', {} as never, 'REMOTE_HANGUP');
    await flush();
    expect(events.at(-1)).toEqual({ type: 'ended', callId: 'in-1', reason: 'remote-hangup' });
  });

  it('reports an app user calling as a contact with a display name', async () => {
    const { client, events } = await connected();
    client.fire('callInvite', 'in-2', 'agent_bob', 'app');
    expect(events).toEqual([
      {
        type: 'incoming',
        callId: 'in-2',
        from: { kind: 'contact', id: 'agent_bob', label: 'agent_bob' },
        displayName: 'agent_bob',
      },
    ]);
  });

  it('ignores the caller leg answering (by the NCCO) until the agent answers', async () => {
    const { provider, client, events } = await connected();
    client.fire('callInvite', 'in-8', '447700900000', 'phone');
    client.fire('legStatusUpdate', 'in-8', 'caller-leg', 'RINGING');
    client.fire('legStatusUpdate', 'in-8', 'caller-leg', 'ANSWERED');
    expect(events.map((e) => e.type)).toEqual(['incoming']);
    await provider.answer('in-8');
    expect(events.map((e) => e.type)).toEqual(['incoming', 'answered']);
  });

  it('a caller hanging up before the agent answers is a cancelled call', async () => {
    const { client, events } = await connected();
    client.fire('callInvite', 'in-9', '447700900000', 'phone');
    client.fire('callHangup', 'in-9', {} as never, 'REMOTE_HANGUP');
    await flush();
    expect(events.at(-1)).toEqual({ type: 'ended', callId: 'in-9', reason: 'cancelled' });
  });

  it('declines through reject', async () => {
    const { provider, client, events } = await connected();
    client.fire('callInvite', 'in-3', '447700900000', 'phone');
    await provider.decline('in-3');
    expect(client.reject).toHaveBeenCalledWith('in-3');
    expect(events.at(-1)).toEqual({ type: 'ended', callId: 'in-3', reason: 'declined' });
  });

  it.each([
    ['RemoteCancel', 'cancelled'],
    ['AnsweredElsewhere', 'answered-elsewhere'],
    ['RejectedElsewhere', 'declined'],
    ['RemoteTimeout', 'no-answer'],
  ] as const)('closes the invite on callInviteCancel %s as %s', async (reason, endReason) => {
    const { client, events } = await connected();
    client.fire('callInvite', 'in-4', '447700900000', 'phone');
    client.fire('callInviteCancel', 'in-4', reason);
    expect(events.at(-1)).toEqual({ type: 'ended', callId: 'in-4', reason: endReason });
  });

  it('declines a second invite as busy without touching the call in progress', async () => {
    const { provider, client, events } = await connected();
    await provider.startCall('c-busy-1', { kind: 'phone', e164: '+14155552671' });
    client.fire('legStatusUpdate', 'call-1', 'leg-b', 'ANSWERED');
    client.fire('callInvite', 'in-5', '447700900001', 'phone');
    // The call session's busy policy (callWaiting off) declines the new invite.
    await provider.decline('in-5');
    expect(client.reject).toHaveBeenCalledWith('in-5');
    expect(client.hangup).not.toHaveBeenCalled();
    expect(ended(events)).toEqual([{ type: 'ended', callId: 'in-5', reason: 'declined' }]);
    await provider.setMuted('c-busy-1', true);
    expect(client.mute).toHaveBeenCalledWith('call-1');
  });

  it('hanging up an unanswered invite rejects it', async () => {
    const { provider, client } = await connected();
    client.fire('callInvite', 'in-6', '447700900000', 'phone');
    await provider.hangup('in-6');
    expect(client.reject).toHaveBeenCalledWith('in-6');
    expect(client.hangup).not.toHaveBeenCalled();
  });

  it('reports a failed answer and ends the call', async () => {
    const { provider, client, events } = await connected();
    client.fire('callInvite', 'in-7', '447700900000', 'phone');
    client.answer.mockRejectedValueOnce(vonageError('NETWORK_ERROR'));
    await expect(provider.answer('in-7')).rejects.toMatchObject({ code: 'connection-lost' });
    expect(events.at(-1)).toMatchObject({ type: 'ended', callId: 'in-7', reason: 'failed' });
  });
});

describe('dispatch latency (fake SDK, warm session)', () => {
  it('invokes serverCall within a millisecond of startCall', async () => {
    const { provider, client } = await connected();
    const samples: number[] = [];
    let started = 0;
    client.serverCall.mockImplementation(async () => {
      samples.push(performance.now() - started);
      return `call-${samples.length}`;
    });
    for (let i = 0; i < 500; i++) {
      started = performance.now();
      await provider.startCall(`c-bench-${i}`, { kind: 'phone', e164: '+14155552671' });
      await provider.hangup(`c-bench-${i}`);
    }
    samples.sort((a, b) => a - b);
    const p50 = samples[Math.floor(samples.length * 0.5)]!;
    const p99 = samples[Math.floor(samples.length * 0.99)]!;
    console.log(
      `vonage startCall -> serverCall invoked (fake SDK, warm): p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`,
    );
    expect(p99).toBeLessThan(5);
  });
});
