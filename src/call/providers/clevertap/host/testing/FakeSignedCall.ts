// Fakes for `clevertap-signed-call` and `clevertap-web-sdk` in unit tests, typed against the
// interfaces in signedCallSdk.ts and behaving like the 0.0.4 sources where the host depends on it.
import { vi } from 'vitest';
import type {
  CleverTapWeb,
  IncomingCallData,
  SignallingSocket,
  SignedCallClient,
  SignedCallInitOptions,
  SignedCallSdk,
} from '../signedCallSdk';

type Listener = (...args: never[]) => void;

export class FakeSocket implements SignallingSocket {
  connected = true;
  private readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  off(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  /** Delivers a server event to every listener in registration order (the SDK's come first). */
  receive(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => void)(...args);
  }
}

export class FakeCleverTap implements CleverTapWeb {
  initArgs: Parameters<CleverTapWeb['init']> | null = null;
  guid: string | null = 'ct-guid-1';
  pushed: [string, Record<string, unknown> | undefined][] = [];
  init(...args: Parameters<CleverTapWeb['init']>): void {
    this.initArgs = args;
  }
  getCleverTapID() {
    return this.guid;
  }
  getAccountID() {
    return this.initArgs?.[0] ?? null;
  }
  getSCDomain() {
    return 'in1.clevertap-prod.com';
  }
  setSCSDKVersion = vi.fn();
  event = {
    push: (name: string, data?: Record<string, unknown>) => {
      this.pushed.push([name, data]);
    },
  };
}

/** The SDK client, reduced to the state machine the host observes. */
export class FakeSignedCallClient implements SignedCallClient {
  enabled = true;
  micDenied = false;
  readonly state: Record<string, unknown> = {
    isAnswered: false,
    isMuted: 1,
    isBusy: false,
    sipRegistered: false,
    callId: undefined,
    sipSession: false,
  };
  sigsock: { socket: FakeSocket; incomingcall?: IncomingCallData } = { socket: new FakeSocket() };
  private pending: { resolve(v: unknown): void; reject(e: unknown): void } | null = null;

  constructor(readonly ct: FakeCleverTap) {
    // The SDK's own incoming_call handler, registered at sign-in, before anyone else's.
    this.sigsock.socket.on('incoming_call', ((data: IncomingCallData) => {
      if (this.state.isBusy) {
        this.push('SCEnd', {
          call_id: this.state.callId,
          call_status: 'declined',
          reason_code: 1001,
        });
        return;
      }
      this.sigsock.incomingcall = data;
      this.state.callId = data.call;
      this.state.isBusy = true;
    }) as Listener);
    // Its cancel handler: the caller gave up before we answered.
    this.sigsock.socket.on('cancel', ((callId: string) => {
      if (this.state.callId === callId) this.state.isBusy = false;
    }) as Listener);
  }

  call = vi.fn<SignedCallClient['call']>(
    () =>
      new Promise((resolve, reject) => {
        this.state.isBusy = true;
        this.pending = { resolve, reject };
      }),
  );

  /** Signalling accepted the call: what makeCall's success does. */
  place(callId: string): void {
    this.state.callId = callId;
    this.push('SCOutgoing', { call_id: callId });
  }
  /** call() settles, as the SDK's handlers do. */
  settle(outcome: { resolve: unknown } | { reject: unknown }): void {
    const pending = this.pending;
    this.pending = null;
    this.reset();
    if ('resolve' in outcome) pending?.resolve(outcome.resolve);
    else pending?.reject(outcome.reject);
  }
  /** The callee answered: the SDK's media comes up. */
  connectMedia(): void {
    this.state.isAnswered = true;
    this.state.sipSession = true;
  }

  hangup = vi.fn(() => {
    this.push('SCEnd', { call_id: this.state.callId, call_status: 'over' });
    const pending = this.pending;
    this.pending = null;
    this.reset();
    pending?.resolve('over');
  });
  dialCancel = vi.fn(() => {
    this.push('SCEnd', { call_status: 'cancelled' });
    const pending = this.pending;
    this.pending = null;
    this.reset();
    pending?.reject('cancelled');
  });
  answer = vi.fn(async () => {
    if (this.micDenied) {
      this.push('SCEnd', {
        call_id: this.state.callId,
        call_status: 'microphone permission not granted',
        reason_code: 1002,
      });
      this.reset();
      return;
    }
    this.connectMedia();
  });
  decline = vi.fn(() => {
    this.push('SCEnd', { call_id: this.state.callId, call_status: 'declined' });
    this.reset();
  });
  miss = vi.fn(() => {
    this.push('SCEnd', { call_id: this.state.callId, call_status: 'missed' });
    this.reset();
  });
  toggleMuteUnmute = vi.fn(() => {
    if (this.state.sipSession) this.state.isMuted = this.state.isMuted === 2 ? 1 : 2;
  });
  isEnabled = () => this.enabled;
  logout = vi.fn();
  stateLogger = (property: string) => this.state[property];

  private reset(): void {
    Object.assign(this.state, { isAnswered: false, isMuted: 1, isBusy: false, sipSession: false });
  }
  private push(name: string, data: Record<string, unknown>): void {
    this.ct.event.push(name, data);
  }
}

export interface FakeSdk extends SignedCallSdk {
  clevertap: FakeCleverTap;
  initSignedCall: ReturnType<typeof vi.fn<SignedCallSdk['initSignedCall']>>;
  client(): FakeSignedCallClient;
  /** Sign-in fails like 0.0.4 with an unreachable host: init resolves, isEnabled() is false. */
  signInFails: boolean;
}

export function fakeSdk(): FakeSdk {
  let client: FakeSignedCallClient | null = null;
  const sdk: FakeSdk = {
    clevertap: new FakeCleverTap(),
    signInFails: false,
    initSignedCall: vi.fn(async (options: SignedCallInitOptions) => {
      if (!options.clevertap)
        throw { code: 'ERR_MISSING_INITPARAMETERS', message: 'Clevertap sdk not found' };
      if (!options.clevertap.getCleverTapID())
        throw { code: 'ERR_MISSING_CT_ID', message: 'cannot find clevertap id' };
      client = new FakeSignedCallClient(options.clevertap as FakeCleverTap);
      client.enabled = !sdk.signInFails;
      return client;
    }),
    client: () => {
      if (!client) throw new Error('initSignedCall was not called');
      return client;
    },
  };
  return sdk;
}
