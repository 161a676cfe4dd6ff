// A stand-in for the SDK's VonageClient in unit tests, typed against the installed SDK's .d.ts.
import { vi } from 'vitest';
import type {
  ClientConfigObject,
  ClientInitConfigObject,
  VonageClient,
  VonageEvent,
} from '@vonage/client-sdk';
import type { VonageClientLike } from '../VonageProvider';

type Handler = (...args: never[]) => void;

export class FakeVonageClient implements Pick<VonageClient, keyof VonageClientLike> {
  static instances: FakeVonageClient[] = [];
  static last(): FakeVonageClient {
    const client = FakeVonageClient.instances.at(-1);
    if (!client) throw new Error('no FakeVonageClient was created');
    return client;
  }

  readonly configs: ClientConfigObject[] = [];
  private readonly handlers = new Map<string, Map<symbol, Handler>>();
  private nextCall = 1;

  constructor(readonly initConfig?: ClientInitConfigObject) {
    FakeVonageClient.instances.push(this);
  }

  setConfig(config: ClientConfigObject): void {
    this.configs.push(config);
  }

  on<T extends keyof VonageEvent, P extends VonageEvent[T]>(event: T, callback: P): symbol {
    const symbol = Symbol(event);
    const map = this.handlers.get(event) ?? new Map<symbol, Handler>();
    map.set(symbol, callback as Handler);
    this.handlers.set(event, map);
    return symbol;
  }

  off<T extends keyof VonageEvent>(event: T, callbackSymbol: symbol): boolean {
    return this.handlers.get(event)?.delete(callbackSymbol) ?? false;
  }

  /** Fires an SDK event at every registered callback, as the SDK would. */
  fire<T extends keyof VonageEvent>(event: T, ...args: Parameters<VonageEvent[T]>): void {
    for (const handler of this.handlers.get(event)?.values() ?? []) {
      (handler as (...a: Parameters<VonageEvent[T]>) => void)(...args);
    }
  }

  listenerCount(): number {
    return [...this.handlers.values()].reduce((n, map) => n + map.size, 0);
  }

  createSession = vi.fn<VonageClient['createSession']>(async () => 'session-1');
  refreshSession = vi.fn<VonageClient['refreshSession']>(async () => undefined);
  deleteSession = vi.fn<VonageClient['deleteSession']>(async () => undefined);
  serverCall = vi.fn<VonageClient['serverCall']>(async () => `call-${this.nextCall++}`);
  reconnectCall = vi.fn<VonageClient['reconnectCall']>(async () => undefined);
  answer = vi.fn<VonageClient['answer']>(async () => undefined);
  reject = vi.fn<VonageClient['reject']>(async () => undefined);
  hangup = vi.fn<VonageClient['hangup']>(async () => undefined);
  mute = vi.fn<VonageClient['mute']>(async () => undefined);
  unmute = vi.fn<VonageClient['unmute']>(async () => undefined);
  sendDTMF = vi.fn<VonageClient['sendDTMF']>(async () => undefined);
  getPeerConnection = vi.fn<VonageClient['getPeerConnection']>(() => undefined);
}

// Compile-time proof that the fake has the real SDK's signatures for everything the provider uses.
export const fakeSatisfiesSdk = (client: FakeVonageClient) =>
  client satisfies Pick<VonageClient, keyof VonageClientLike>;

/** A VonageError as the SDK builds it (`type` + `code` on an Error). */
export function vonageError(type: string, code?: string, message = 'vonage failure'): Error {
  return Object.assign(new Error(message), { type, code: code ?? null });
}

/** An unsigned JWT with the given `exp` (seconds); enough for the provider, which reads only `exp`. */
export function fakeJwt(expSeconds: number): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'agent1', exp: expSeconds, jti: Math.random() })}.c2ln`;
}
