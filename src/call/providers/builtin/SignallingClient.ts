// The built-in provider's connection to the backend relay: authenticates, reconnects, validates.
import {
  CLOSE_REPLACED,
  CLOSE_UNAUTHORIZED,
  serverMessageSchema,
  type Address,
  type ClientMessage,
  type ServerMessage,
} from '../../signalling';
import { CallFailure } from '../../provider';

export type SignallingStatus = 'connecting' | 'ready' | 'reconnecting' | 'closed';

export interface SignallingOptions {
  /** The backend's base URL (http/https); the socket goes to `<ws>/signal`. */
  backendUrl: string;
  token: string;
  onMessage(message: ServerMessage): void;
  onStatus(status: SignallingStatus, failure?: CallFailure): void;
  /** How long to wait for `ready` before giving up on a connection attempt. */
  connectTimeoutMs?: number;
  WebSocketImpl?: typeof WebSocket;
}

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000];

export function signallingUrl(backendUrl: string): string {
  const url = new URL('/signal', backendUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class SignallingClient {
  private socket: WebSocket | null = null;
  private readonly addresses = new Set<Address>();
  private identity: Address | null = null;
  private closedByUs = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pings = new Map<number, { sentAt: number; resolve(ms: number): void }>();
  private nextPing = 1;
  private readyWaiters: { resolve(identity: Address): void; reject(error: CallFailure): void }[] =
    [];

  constructor(private readonly options: SignallingOptions) {}

  get ready(): boolean {
    return this.identity !== null && this.socket?.readyState === 1;
  }

  /** Connects (or waits for the connection in progress); resolves with our identity. */
  connect(): Promise<Address> {
    if (this.ready) return Promise.resolve(this.identity!);
    this.closedByUs = false;
    const promise = new Promise<Address>((resolve, reject) =>
      this.readyWaiters.push({ resolve, reject }),
    );
    if (!this.socket) {
      // Between reconnect attempts: someone needs the connection now, so try at once.
      clearTimeout(this.retryTimer);
      this.open('connecting');
    }
    return promise;
  }

  /** Adds a softphone line address; re-registered after every reconnect. */
  register(address: Address): void {
    this.addresses.add(address);
    if (this.ready) this.send({ t: 'register', address });
  }

  send(message: ClientMessage): void {
    if (!this.ready) throw new CallFailure('backend-unreachable', 'signalling is not connected');
    this.socket!.send(JSON.stringify(message));
  }

  /** Round-trip time of one ping through the relay. */
  ping(timeoutMs = 5000): Promise<number | null> {
    if (!this.ready) return Promise.resolve(null);
    const id = this.nextPing++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pings.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pings.set(id, {
        sentAt: performance.now(),
        resolve: (ms) => {
          clearTimeout(timer);
          resolve(ms);
        },
      });
      this.send({ t: 'ping', id });
    });
  }

  close(): void {
    this.closedByUs = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
    this.identity = null;
    this.failWaiters(new CallFailure('backend-unreachable', 'signalling closed'));
    this.options.onStatus('closed');
  }

  private open(status: 'connecting' | 'reconnecting'): void {
    this.options.onStatus(status);
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Impl(signallingUrl(this.options.backendUrl));
    } catch (error) {
      this.failWaiters(new CallFailure('backend-unreachable', String(error)));
      return;
    }
    this.socket = socket;
    const timeout = setTimeout(() => {
      if (this.socket === socket && !this.identity) {
        this.failWaiters(
          new CallFailure('backend-unreachable', 'no answer from the signalling server'),
        );
        socket.close();
      }
    }, this.options.connectTimeoutMs ?? 5000);

    socket.onopen = () =>
      socket.send(JSON.stringify({ t: 'auth', token: this.options.token } satisfies ClientMessage));
    socket.onmessage = (event) => {
      let message: ServerMessage;
      try {
        const parsed = serverMessageSchema.safeParse(JSON.parse(String(event.data)));
        if (!parsed.success) return; // A newer server may send more; ignore what we do not know.
        message = parsed.data;
      } catch {
        return;
      }
      if (message.t === 'ready') {
        clearTimeout(timeout);
        this.identity = message.identity;
        this.attempt = 0;
        for (const address of this.addresses) this.send({ t: 'register', address });
        this.options.onStatus('ready');
        const waiters = this.readyWaiters.splice(0);
        for (const w of waiters) w.resolve(message.identity);
        return;
      }
      if (message.t === 'pong') {
        const ping = this.pings.get(message.id);
        this.pings.delete(message.id);
        ping?.resolve(performance.now() - ping.sentAt);
        return;
      }
      this.options.onMessage(message);
    };
    socket.onclose = (event) => {
      clearTimeout(timeout);
      if (this.socket !== socket) return;
      this.socket = null;
      this.identity = null;
      if (this.closedByUs) return;
      if (event.code === CLOSE_UNAUTHORIZED) {
        const failure = new CallFailure('session-expired', 'the backend refused the session token');
        this.failWaiters(failure);
        this.options.onStatus('closed', failure);
        return;
      }
      if (event.code === CLOSE_REPLACED) {
        const failure = new CallFailure(
          'connection-lost',
          'signed in elsewhere with the same identity',
        );
        this.failWaiters(failure);
        this.options.onStatus('closed', failure);
        return;
      }
      // Pending connect() calls fail fast so the agent sees "backend unreachable" and can retry;
      // the client keeps reconnecting in the background for the session itself.
      this.failWaiters(new CallFailure('backend-unreachable', `signalling closed (${event.code})`));
      // Jittered, so the clients of a restarted backend do not all come back at the same instant.
      const base = RETRY_DELAYS_MS[Math.min(this.attempt++, RETRY_DELAYS_MS.length - 1)]!;
      const delay = Math.round(base * (0.75 + Math.random() / 2));
      this.options.onStatus('reconnecting');
      this.retryTimer = setTimeout(() => this.open('reconnecting'), delay);
    };
    socket.onerror = () => {
      // onclose follows and decides; nothing to do here.
    };
  }

  private failWaiters(error: CallFailure): void {
    const waiters = this.readyWaiters.splice(0);
    for (const w of waiters) w.reject(error);
  }
}
