/* eslint-disable max-lines -- the whole Signed Call SDK boundary (init, calls, its DOM and fetch quirks) in the one document that hosts it */
// Runs inside the CleverTap host document (/clevertap.html, a hidden iframe of the offscreen
// document): drives the Signed Call SDK for CleverTapProvider. The SDK replaces this document's
// `fetch` and draws its own call screen here, where nobody sees it; we drive it through its methods.
import { CallFailure } from '../../../provider';
import { withTimeout } from '../../../withTimeout';
import { cuidProblem, signedCallError } from '../signedCallErrors';
import {
  PROTOCOL,
  hostRequestSchema,
  type HostEvent,
  type HostMessage,
  type HostRequest,
  type HostResults,
  type InitParams,
} from '../signedCallProtocol';
import {
  loadSignedCallSdk,
  type CleverTapWeb,
  type IncomingCallData,
  type SignallingSocket,
  type SignedCallClient,
  type SignedCallSdk,
} from './signedCallSdk';

export interface SignedCallHostOptions {
  post(message: HostMessage): void;
  loadSdk?: () => Promise<SignedCallSdk>;
  document?: Document;
  /** Window for online/offline events. */
  window?: Pick<Window, 'addEventListener'>;
  /** How long the Web SDK may take to get a CleverTap ID (it needs CleverTap's servers). */
  guidTimeoutMs?: number;
  /** How long sign-in may take before we call CleverTap unreachable. */
  initTimeoutMs?: number;
  /** How long placing a call may take (the SDK gives up after 10 s itself). */
  placeTimeoutMs?: number;
}

interface Outgoing {
  callId: string | null;
  answered: boolean;
  hangupRequested: boolean;
  placed(callId: string): void;
  failed(error: unknown): void;
}

interface Incoming {
  callId: string;
  answered: boolean;
}

/** `MuteStates.MUTE` in the SDK's constants. */
const MUTED = 2;
const SC_OUTGOING = 'SCOutgoing';
const SC_END = 'SCEnd';

export class SignedCallHost {
  private sdk: SignedCallSdk | null = null;
  private client: SignedCallClient | null = null;
  private socket: SignallingSocket | null = null;
  private params: InitParams | null = null;
  private outgoing: Outgoing | null = null;
  private incoming: Incoming | null = null;
  private ringerObserver: MutationObserver | null = null;
  private readonly options: Required<Omit<SignedCallHostOptions, 'document' | 'window'>> &
    Pick<SignedCallHostOptions, 'document' | 'window'>;

  constructor(options: SignedCallHostOptions) {
    this.options = {
      loadSdk: loadSignedCallSdk,
      guidTimeoutMs: 5_000,
      initTimeoutMs: 10_000,
      placeTimeoutMs: 15_000,
      ...options,
    };
    this.options.window?.addEventListener('offline', () => this.onNetwork(false));
    this.options.window?.addEventListener('online', () => this.onNetwork(true));
  }

  async handle(request: HostRequest): Promise<HostResults[HostRequest['method']]> {
    switch (request.method) {
      case 'init':
        return this.init(request.params);
      case 'call':
        return this.call(request.params.cuid, request.params.context);
      case 'hangup':
        return this.hangup();
      case 'answer':
        return this.answer(request.params.callId);
      case 'decline':
        return this.decline(request.params.callId);
      case 'setMuted':
        return this.setMuted(request.params.muted);
      case 'logout':
        return this.logout();
    }
  }

  // ---- sign-in ------------------------------------------------------------------------------

  private async init(params: InitParams): Promise<{ enabled: true }> {
    if (this.client?.isEnabled()) return { enabled: true };
    if (this.client)
      throw new CallFailure('internal', 'sign-in already attempted in this document');
    const problem = cuidProblem(params.cuid);
    if (problem)
      throw new CallFailure(
        'provider-not-configured',
        `agent cuid: ${problem}`,
        'ERR_INVALID_INITPARAMETERS',
      );
    if (!params.clevertapAccountId) {
      throw new CallFailure(
        'provider-not-configured',
        'no CleverTap project id for the Web SDK',
        'ERR_MISSING_CT_ACCOUNTID',
      );
    }
    const sdk = await this.options.loadSdk();
    this.sdk = sdk;
    this.params = params;
    const ct = sdk.clevertap;
    // Fetch mode, not JSONP: script injection from CleverTap's hosts breaks the extension's CSP.
    ct.init(params.clevertapAccountId, params.clevertapRegion, undefined, undefined, {
      enableFetchApi: true,
    });
    this.observeSignedCallEvents(ct);
    await this.waitForCleverTapId(ct);
    const client = await withTimeout(
      sdk.initSignedCall({
        accountId: params.accountId,
        apikey: params.apikey,
        cuid: params.cuid,
        clevertap: ct,
        ringtone: params.ringtone,
        ...(params.name ? { name: params.name } : {}),
      }),
      this.options.initTimeoutMs,
      () =>
        new CallFailure(
          'provider-unreachable',
          'Signed Call sign-in did not finish',
          'ERR_CONNECTION_NOT_ESTABLISHED',
        ),
    );
    this.client = client;
    // 0.0.4 resolves even when sign-in failed (it keeps retrying every 5 s): isEnabled() tells.
    if (!client.isEnabled()) {
      throw new CallFailure(
        'provider-unreachable',
        'Signed Call sign-in failed',
        'ERR_CONNECTION_NOT_ESTABLISHED',
      );
    }
    this.watchClient(client);
    return { enabled: true };
  }

  private async waitForCleverTapId(ct: CleverTapWeb): Promise<void> {
    const deadline = Date.now() + this.options.guidTimeoutMs;
    while (!ct.getCleverTapID()) {
      if (Date.now() >= deadline) {
        throw new CallFailure(
          'provider-unreachable',
          'CleverTap did not identify this browser',
          'ERR_MISSING_CT_ID',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * The SDK reports every call's start and end to the CleverTap Web SDK (`SCOutgoing`, `SCIncoming`,
   * `SCEnd` through `clevertap.event.push`): the one place that sees outcomes the SDK otherwise only
   * shows on its own screen (an incoming call hung up by the caller, a declined-for-mic answer).
   */
  private observeSignedCallEvents(ct: CleverTapWeb): void {
    const push = ct.event.push.bind(ct.event);
    ct.event.push = (name: string, data?: Record<string, unknown>) => {
      try {
        this.onSignedCallEvent(name, data ?? {});
      } catch (error) {
        console.error('signed call event', error);
      }
      return push(name, data);
    };
  }

  private onSignedCallEvent(name: string, data: Record<string, unknown>): void {
    const callId = typeof data.call_id === 'string' ? data.call_id : null;
    if (name === SC_OUTGOING && callId && this.outgoing && this.outgoing.callId === null) {
      this.outgoing.placed(callId);
      return;
    }
    if (name !== SC_END) return;
    const incoming = this.incoming;
    if (!incoming || callId !== incoming.callId || data.reason_code === 1001) return;
    // Outgoing calls end through call()'s promise; incoming ones only show up here.
    if (data.call_status === 'over') this.endIncoming('over');
    else if (data.reason_code === 1002) {
      this.endIncoming('error', {
        code: 'mic-denied',
        vendorCode: 'ERR_MIC_UNAVAILABLE',
        detail: String(data.call_status),
      });
    }
  }

  private watchClient(client: SignedCallClient): void {
    const socket = client.sigsock?.socket;
    if (!socket || socket === this.socket) return;
    this.socket = socket;
    // Registered after the SDK's own handlers, so these run once the SDK has decided.
    socket.on('incoming_call', ((data: IncomingCallData) =>
      this.onIncomingCall(client, data)) as never);
    socket.on('cancel', ((callId: string) => {
      if (this.incoming?.callId === callId && !this.incoming.answered)
        this.endIncoming('cancelled');
    }) as never);
    socket.on('answer', ((data: { callId?: string }) => {
      const outgoing = this.outgoing;
      if (outgoing?.callId && data?.callId === outgoing.callId && !outgoing.answered) {
        outgoing.answered = true;
        this.emit({ type: 'answered', callId: outgoing.callId });
      }
    }) as never);
    // After a network drop the SDK can take 30 s to 6 minutes to come back: that is "reconnecting".
    socket.on('disconnect', (() =>
      this.emit({ type: 'connection', state: 'reconnecting' })) as never);
    socket.on('connect', (() => this.emit({ type: 'connection', state: 'connected' })) as never);
    // The SDK's 30 s no-answer timer calls this.miss(); wrapping the instance method sees it.
    const miss = client.miss.bind(client);
    client.miss = () => {
      if (this.incoming && !this.incoming.answered) this.endIncoming('missed');
      miss();
    };
  }

  private onIncomingCall(client: SignedCallClient, data: IncomingCallData): void {
    if (!data || typeof data.call !== 'string') return;
    const from = data.from?.cuid ?? data.from?.id ?? null;
    const event = {
      callId: data.call,
      from: typeof from === 'string' ? from.slice(0, 200) : null,
      ...(typeof data.from?.name === 'string' ? { name: data.from.name.slice(0, 200) } : {}),
      ...(typeof data.context === 'string' ? { context: data.context.slice(0, 200) } : {}),
    };
    // The SDK keeps the call it accepted as `sigsock.incomingcall`; while busy it declines the new
    // one (reason 1001) and leaves that untouched.
    if (client.sigsock?.incomingcall !== data) {
      this.emit({ type: 'busy-declined', ...event });
      return;
    }
    this.incoming = { callId: data.call, answered: false };
    this.silenceRinger(true);
    this.emit({ type: 'incoming', ...event });
  }

  // ---- calls --------------------------------------------------------------------------------

  private async call(cuid: string, context: string): Promise<{ callId: string }> {
    const client = this.requireClient();
    if (!client.isEnabled()) {
      throw new CallFailure(
        'provider-unreachable',
        'Signed Call is not signed in',
        'ERR_CONNECTION_NOT_ESTABLISHED',
      );
    }
    if (this.outgoing || this.incoming || client.stateLogger('sipRegistered') === true) {
      throw new CallFailure(
        'call-in-progress',
        'a Signed Call is still in progress',
        'ERR_OUTGOING_CALL_IN_PROGRESS',
      );
    }
    const problem = cuidProblem(cuid);
    if (problem) throw new CallFailure('invalid-target', problem, 'ERR_INVALID_CALL_PARAMETERS');
    if (cuid === this.params?.cuid) {
      throw new CallFailure(
        'invalid-target',
        'caller and receiver cannot be the same',
        'ERR_INVALID_CALL_PARAMETERS',
      );
    }
    this.watchClient(client);
    let resolvePlaced!: (callId: string) => void;
    let rejectPlaced!: (error: unknown) => void;
    const placed = new Promise<string>((resolve, reject) => {
      resolvePlaced = resolve;
      rejectPlaced = reject;
    });
    const outgoing: Outgoing = {
      callId: null,
      answered: false,
      hangupRequested: false,
      placed: (callId) => {
        outgoing.callId = callId;
        resolvePlaced(callId);
      },
      failed: rejectPlaced,
    };
    this.outgoing = outgoing;
    client.call(cuid, context).then(
      (outcome) =>
        this.onOutgoingSettled(outgoing, outcome === undefined ? 'not-ready' : String(outcome)),
      (error: unknown) => this.onOutgoingSettled(outgoing, error),
    );
    try {
      const callId = await withTimeout(
        placed,
        this.options.placeTimeoutMs,
        () =>
          new CallFailure(
            'provider-unreachable',
            'the call was not placed in time',
            'ERR_INTERNET_LOST',
          ),
      );
      if (outgoing.hangupRequested) client.dialCancel();
      return { callId };
    } catch (error) {
      if (this.outgoing === outgoing) this.outgoing = null;
      throw error;
    }
  }

  /** call()'s promise settled: before placement that is a failure to place, after it the call's end. */
  private onOutgoingSettled(outgoing: Outgoing, outcome: unknown): void {
    if (outgoing.callId === null) {
      outgoing.failed(
        outcome === 'not-ready'
          ? new CallFailure(
              'call-in-progress',
              'the previous call is still closing',
              'ERR_OUTGOING_CALL_IN_PROGRESS',
            )
          : outcome,
      );
      return;
    }
    if (this.outgoing === outgoing) this.outgoing = null;
    const known = ['over', 'declined', 'missed', 'cancelled'] as const;
    const word = known.find((k) => k === outcome);
    this.emit({
      type: 'ended',
      callId: outgoing.callId,
      direction: 'outbound',
      outcome: word ?? 'error',
      ...(word ? {} : { error: signedCallError(outcome) }),
    });
  }

  private async hangup(): Promise<null> {
    const client = this.requireClient();
    const outgoing = this.outgoing;
    if (outgoing) {
      outgoing.hangupRequested = true;
      if (outgoing.callId === null) return null; // cancelled as soon as it is placed
      if (outgoing.answered) client.hangup();
      else client.dialCancel();
      return null;
    }
    const incoming = this.incoming;
    if (incoming && !incoming.answered) return this.decline(incoming.callId);
    if (incoming) client.hangup(); // SCEnd "over" ends it
    return null;
  }

  private async answer(callId: string): Promise<null> {
    const client = this.requireClient();
    const incoming = this.incoming;
    if (!incoming || incoming.callId !== callId)
      throw new CallFailure('internal', 'no such incoming call');
    if (incoming.answered) return null;
    this.silenceRinger(false);
    await client.answer();
    // The SDK swallows its own failures: a refused microphone declines the call and leaves
    // `isAnswered` false (and reports SCEnd with reason 1002, which ends our call).
    if (client.stateLogger('isAnswered') !== true) {
      if (this.incoming === incoming)
        this.endIncoming('error', { code: 'mic-denied', vendorCode: 'ERR_MIC_UNAVAILABLE' });
      throw new CallFailure(
        'mic-denied',
        'Signed Call could not open the microphone',
        'ERR_MIC_UNAVAILABLE',
      );
    }
    incoming.answered = true;
    this.emit({ type: 'answered', callId });
    return null;
  }

  private async decline(callId: string): Promise<null> {
    const client = this.requireClient();
    const incoming = this.incoming;
    if (!incoming || incoming.callId !== callId || incoming.answered) return null;
    client.decline();
    this.endIncoming('declined');
    return null;
  }

  private async setMuted(muted: boolean): Promise<null> {
    const client = this.requireClient();
    if (!this.outgoing?.answered && !this.incoming?.answered)
      throw new CallFailure('internal', 'no call to mute');
    const isMuted = () => client.stateLogger('isMuted') === MUTED;
    if (isMuted() !== muted) client.toggleMuteUnmute();
    if (isMuted() !== muted) throw new CallFailure('internal', 'Signed Call did not change mute');
    this.emit({ type: 'muted', muted });
    return null;
  }

  private async logout(): Promise<null> {
    const client = this.client;
    if (this.outgoing && client) this.hangup().catch(() => undefined);
    client?.logout();
    this.client = null;
    this.socket = null;
    return null;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private endIncoming(
    outcome: 'over' | 'declined' | 'missed' | 'cancelled' | 'error',
    error?: HostEventError,
  ): void {
    const incoming = this.incoming;
    if (!incoming) return;
    this.incoming = null;
    this.silenceRinger(false);
    this.emit({
      type: 'ended',
      callId: incoming.callId,
      direction: 'inbound',
      outcome,
      ...(error ? { error } : {}),
    });
  }

  private onNetwork(online: boolean): void {
    if (this.outgoing?.answered || this.incoming?.answered) {
      this.emit({ type: 'media', state: online ? 'connected' : 'reconnecting' });
    }
  }

  /**
   * The offscreen document rings for incoming calls itself; the SDK's ringer (an <audio> it appends
   * to body with our ringtone) stays for outgoing ringback only.
   */
  private silenceRinger(on: boolean): void {
    const doc = this.options.document;
    const ringtone = this.params?.ringtone;
    if (!doc || !ringtone) return;
    const mute = () => {
      for (const audio of doc.querySelectorAll('audio')) {
        if (audio.src === ringtone || audio.getAttribute('src') === ringtone) audio.muted = true;
      }
    };
    this.ringerObserver?.disconnect();
    this.ringerObserver = null;
    if (!on || typeof MutationObserver === 'undefined') return;
    mute();
    this.ringerObserver = new MutationObserver(mute);
    this.ringerObserver.observe(doc.body, { childList: true });
  }

  private emit(event: HostEvent): void {
    this.options.post({ protocol: PROTOCOL, kind: 'event', event });
  }

  private requireClient(): SignedCallClient {
    if (!this.client) throw new CallFailure('not-signed-in', 'Signed Call is not initialised');
    return this.client;
  }
}

type HostEventError = Extract<HostEvent, { type: 'ended' }>['error'];

/**
 * Wires the host to its window: requests only from the parent (the offscreen document, same
 * extension origin), validated; results and events posted back to that origin only.
 */
export function startSignedCallHost(
  win: Window = window,
  loadSdk: () => Promise<SignedCallSdk> = loadSignedCallSdk,
): SignedCallHost {
  const origin = win.location.origin;
  // The SDK asks for notification permission at odd moments and shows its own notifications when
  // granted; ours come from the background (permission asked on the onboarding page). Answering
  // "default" stops both.
  if ('Notification' in win) {
    (
      win.Notification as { requestPermission: () => Promise<NotificationPermission> }
    ).requestPermission = () => Promise.resolve('default');
  }
  const post = (message: HostMessage) => win.parent.postMessage(message, origin);
  const host = new SignedCallHost({ post, loadSdk, document: win.document, window: win });
  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win.parent || event.origin !== origin) return;
    const parsed = hostRequestSchema.safeParse(event.data);
    if (!parsed.success) return;
    const { id } = parsed.data;
    host.handle(parsed.data).then(
      (result) => post({ protocol: PROTOCOL, kind: 'response', id, ok: true, result }),
      (error: unknown) =>
        post({
          protocol: PROTOCOL,
          kind: 'response',
          id,
          ok: false,
          error: signedCallError(error),
        }),
    );
  });
  post({ protocol: PROTOCOL, kind: 'ready' });
  return host;
}
