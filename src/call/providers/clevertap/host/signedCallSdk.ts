// Types for the parts of `clevertap-signed-call` 0.0.4 and `clevertap-web-sdk` the host uses,
// written from the packages' sources (neither ships type definitions).

/** The socket.io client socket the Signed Call SDK keeps as `client.sigsock.socket`. */
export interface SignallingSocket {
  connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  /** The socket.io Manager (reconnection events live there). */
  io?: { on(event: string, listener: (...args: never[]) => void): unknown };
}

/** `incoming_call` payload (src/modules/signalling/signallingSocketEvents.js). */
export interface IncomingCallData {
  call: string;
  context?: string;
  callJwt?: string;
  host?: string;
  from?: { id?: string; cuid?: string; name?: string } & Record<string, unknown>;
  customMetadata?: { initiator_image?: string };
}

/** `SignedCallClient` (src/index.js): the methods our UI drives in place of the SDK's own screen. */
export interface SignedCallClient {
  call(
    callee: string,
    context: string,
    options?: { receiver_image?: string; initiator_image?: string },
  ): Promise<unknown>;
  /** Ends an answered call; the pending `call()` resolves "over". */
  hangup(): void;
  /** Cancels an outgoing call that has not been answered; `call()` rejects "cancelled". */
  dialCancel(): void;
  /** Answers the ringing incoming call (what the incoming screen's accept button does). */
  answer(): Promise<void>;
  /** Declines the ringing incoming call. */
  decline(): void;
  /** Called by the SDK's own 30 s miss timer on an unanswered incoming call. */
  miss(): void;
  toggleMuteUnmute(): void;
  isEnabled(): boolean;
  logout(): void;
  /** Reads the SDK's internal store (`callId`, `isBusy`, `isMuted`, `sipRegistered`, …). */
  stateLogger(property: string): unknown;
  sigsock?: { socket?: SignallingSocket; incomingcall?: IncomingCallData };
  callsock?: { socket?: SignallingSocket };
}

export interface SignedCallInitOptions {
  accountId: string;
  apikey: string;
  cuid: string;
  clevertap: CleverTapWeb;
  name?: string;
  ringtone?: string;
}

/** The CleverTap Web SDK instance (default export of `clevertap-web-sdk`). */
export interface CleverTapWeb {
  init(
    accountId: string,
    region?: string,
    targetDomain?: string,
    token?: string,
    config?: { enableFetchApi?: boolean; isolateSubdomain?: boolean },
  ): void;
  getCleverTapID(): string | null | undefined;
  getAccountID(): string | null | undefined;
  getSCDomain(): string | null | undefined;
  setSCSDKVersion(version: string): void;
  event: { push(name: string, data?: Record<string, unknown>): unknown };
}

export interface SignedCallSdk {
  initSignedCall(options: SignedCallInitOptions): Promise<SignedCallClient>;
  clevertap: CleverTapWeb;
}

/** Loads both SDKs; only ever called inside the CleverTap host document (they patch its globals). */
export async function loadSignedCallSdk(): Promise<SignedCallSdk> {
  const [signedCall, web] = await Promise.all([
    import('clevertap-signed-call'),
    import('clevertap-web-sdk'),
  ]);
  return {
    initSignedCall: signedCall.initSignedCall as SignedCallSdk['initSignedCall'],
    clevertap: web.default as CleverTapWeb,
  };
}
