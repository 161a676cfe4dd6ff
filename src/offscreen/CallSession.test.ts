import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallFailure, type CallProvider, type ProviderContext } from '../call/provider';
import { callSnapshotSchema } from '../call/state';
import { DEFAULT_SETTINGS, type Settings } from '../settings/schema';
import type { OffscreenConfig, OffscreenState } from '../messaging/offscreen';
import { CallSession, ENDED_LINGER_MS } from './CallSession';

class FakeProvider implements CallProvider {
  readonly name = 'builtin' as const;
  ctx: ProviderContext | null = null;
  connectError: Error | null = null;
  calls: string[] = [];
  connect = vi.fn(async (ctx: ProviderContext) => {
    if (this.connectError) throw this.connectError;
    this.ctx = ctx;
  });
  disconnect = vi.fn(async () => undefined);
  startCall = vi.fn(async (callId: string) => {
    await this.ctx!.getMicrophone();
    this.calls.push(callId);
  });
  answer = vi.fn(async (callId: string) => {
    await this.ctx!.getMicrophone();
    this.ctx!.emit({ type: 'answered', callId });
  });
  decline = vi.fn(async (callId: string) =>
    this.ctx!.emit({ type: 'ended', callId, reason: 'declined' }),
  );
  hangup = vi.fn(async (callId: string) =>
    this.ctx!.emit({ type: 'ended', callId, reason: 'local-hangup' }),
  );
  setMuted = vi.fn(async (callId: string, muted: boolean) =>
    this.ctx!.emit({ type: 'muted', callId, muted }),
  );
  sendDtmf = vi.fn(async () => undefined);
}

function fakeStream() {
  const track = { stop: vi.fn() };
  return { stream: { getTracks: () => [track] } as unknown as MediaStream, track };
}

const config = (settings: Partial<Settings> = {}, token = 't1'): OffscreenConfig => ({
  version: `${token}-${JSON.stringify(settings)}`,
  backendUrl: 'http://localhost:8787',
  token,
  settings: { ...DEFAULT_SETTINGS, ...settings },
});

describe('CallSession', () => {
  let provider: FakeProvider;
  let states: OffscreenState[];
  let ringtone: { start: () => void; stop: () => void };
  let mics: ReturnType<typeof fakeStream>[];
  let session: CallSession;

  beforeEach(() => {
    vi.useFakeTimers();
    provider = new FakeProvider();
    states = [];
    mics = [];
    ringtone = { start: vi.fn(), stop: vi.fn() };
    session = new CallSession({
      loadProvider: async () => provider,
      getMicrophone: async () => {
        const mic = fakeStream();
        mics.push(mic);
        return mic.stream;
      },
      microphonePermission: async () => 'granted',
      onChange: (state) => states.push(state),
      ringtone,
      now: () => 1000,
    });
  });
  afterEach(() => vi.useRealTimers());

  it('connects eagerly on configure and reports ready', async () => {
    const state = await session.configure(config());
    expect(provider.connect).toHaveBeenCalledOnce();
    expect(state.provider.state).toBe('ready');
    expect(state.configVersion).toBe(config().version);
  });

  it('walks an outbound call through its phases and back to idle', async () => {
    await session.configure(config());
    await session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' }, 'Ava');
    expect(session.getState().call).toMatchObject({
      phase: 'connecting',
      displayName: 'Ava',
      direction: 'outbound',
    });
    provider.ctx!.emit({ type: 'ringing', callId: 'call-0001' });
    expect(session.getState().call?.phase).toBe('ringing');
    provider.ctx!.emit({ type: 'answered', callId: 'call-0001' });
    expect(session.getState().call).toMatchObject({ phase: 'active', answeredAt: 1000 });
    await session.setMuted('call-0001', true);
    expect(session.getState().call?.muted).toBe(true);
    await session.hangup('call-0001');
    expect(session.getState().call).toMatchObject({ phase: 'ended', endReason: 'local-hangup' });
    expect(mics[0]!.track.stop).toHaveBeenCalled();
    vi.advanceTimersByTime(ENDED_LINGER_MS);
    expect(session.getState().call).toBeNull();
  });

  it('refuses a second outbound call while one is live', async () => {
    await session.configure(config());
    await session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' });
    await expect(
      session.startCall('call-0002', { kind: 'phone', e164: '+14155552672' }),
    ).rejects.toMatchObject({
      code: 'call-in-progress',
    });
  });

  it('fails a call clearly when not configured', async () => {
    await expect(
      session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' }),
    ).rejects.toMatchObject({
      code: 'not-signed-in',
    });
  });

  it('ends the call with the failure when the provider cannot connect', async () => {
    provider.connectError = new CallFailure('backend-unreachable', 'ECONNREFUSED');
    await session.configure(config());
    expect(session.getState().provider).toMatchObject({
      state: 'error',
      error: { code: 'backend-unreachable' },
    });
    await expect(
      session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' }),
    ).rejects.toMatchObject({
      code: 'backend-unreachable',
    });
    expect(session.getState().call).toMatchObject({
      phase: 'ended',
      endReason: 'failed',
      error: { code: 'backend-unreachable' },
    });
    // A retry after the backend is back connects again.
    provider.connectError = null;
    vi.advanceTimersByTime(ENDED_LINGER_MS);
    await session.startCall('call-0002', { kind: 'phone', e164: '+14155552671' });
    expect(provider.calls).toEqual(['call-0002']);
  });

  it('rings for an incoming call and stops ringing on answer', async () => {
    await session.configure(config());
    provider.ctx!.emit({
      type: 'incoming',
      callId: 'in-00001',
      from: { kind: 'phone', e164: '+14155552671' },
    });
    expect(session.getState().call).toMatchObject({ phase: 'incoming', direction: 'inbound' });
    expect(vi.mocked(ringtone.start)).toHaveBeenCalledOnce();
    await session.answer('in-00001');
    expect(vi.mocked(ringtone.stop)).toHaveBeenCalled();
    expect(session.getState().call?.phase).toBe('active');
  });

  it('declines a second incoming call as busy when call waiting is off', async () => {
    await session.configure(config());
    await session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' });
    provider.ctx!.emit({
      type: 'incoming',
      callId: 'in-00002',
      from: { kind: 'phone', e164: '+14155552672' },
    });
    expect(provider.decline).toHaveBeenCalledWith('in-00002');
    expect(session.getState().call?.callId).toBe('call-0001');
    expect(session.getState().waiting).toBeNull();
  });

  it('offers a waiting call when call waiting is on; answering it ends the current one', async () => {
    await session.configure(config({ callWaiting: true }));
    await session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' });
    provider.ctx!.emit({ type: 'answered', callId: 'call-0001' });
    provider.ctx!.emit({
      type: 'incoming',
      callId: 'in-00002',
      from: { kind: 'phone', e164: '+14155552672' },
    });
    expect(session.getState().waiting?.callId).toBe('in-00002');
    await session.answer('in-00002');
    expect(provider.hangup).toHaveBeenCalledWith('call-0001');
    expect(session.getState().call).toMatchObject({ callId: 'in-00002', phase: 'active' });
    expect(session.getState().waiting).toBeNull();
  });

  it('shows the keys the far end presses on the live call: DTMF keys only, the latest 32', async () => {
    await session.configure(config());
    await session.startCall('call-0001', { kind: 'phone', e164: '+14155552671' });
    provider.ctx!.emit({ type: 'answered', callId: 'call-0001' });
    provider.ctx!.emit({ type: 'dtmf', callId: 'call-0001', digits: '12' });
    provider.ctx!.emit({ type: 'dtmf', callId: 'call-0001', digits: '#<b>' });
    provider.ctx!.emit({ type: 'dtmf', callId: 'other-call', digits: '9' });
    expect(session.getState().call?.remoteDigits).toBe('12#');
    expect(callSnapshotSchema.parse(session.getState().call)).toMatchObject({
      remoteDigits: '12#',
    });
    provider.ctx!.emit({ type: 'dtmf', callId: 'call-0001', digits: 'x' });
    provider.ctx!.emit({ type: 'dtmf', callId: 'call-0001', digits: '0123456789'.repeat(4) });
    expect(session.getState().call?.remoteDigits).toBe('0123456789'.repeat(4).slice(-32));
  });

  it('switching provider or signing out disconnects the old session', async () => {
    await session.configure(config());
    await session.configure(config({}, 't2'));
    expect(provider.disconnect).toHaveBeenCalledOnce();
    await session.configure(null);
    expect(provider.disconnect).toHaveBeenCalledTimes(2);
    expect(session.getState()).toMatchObject({ configVersion: null, provider: { state: 'idle' } });
  });

  it('keeps the session when only unrelated settings change', async () => {
    await session.configure(config());
    await session.configure(config({ defaultCountry: 'GB' }));
    expect(provider.disconnect).not.toHaveBeenCalled();
    expect(provider.connect).toHaveBeenCalledOnce();
  });
});

describe('CallSession provider settings', () => {
  it('reconnects when the provider-specific settings change', async () => {
    const provider = new FakeProvider();
    const session = new CallSession({
      loadProvider: async () => provider,
      getMicrophone: async () => fakeStream().stream,
      microphonePermission: async () => 'granted',
      onChange: () => undefined,
      ringtone: { start: () => undefined, stop: () => undefined },
    });
    await session.configure(config());
    await session.configure(config({ vonage: { region: 'EU', telemetry: false } }));
    expect(provider.disconnect).toHaveBeenCalledOnce();
    expect(provider.connect).toHaveBeenCalledTimes(2);
  });
});
