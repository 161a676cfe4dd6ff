// The offscreen document's end of the Signed Call protocol: a hidden iframe running the SDK in a
// document of its own, requests with timeouts, and validated events.
import { CallFailure } from '../../provider';
import {
  PROTOCOL,
  hostMessageSchema,
  resultSchemas,
  type HostEvent,
  type HostMethod,
  type HostParams,
  type HostResults,
} from './signedCallProtocol';

export const HOST_PATH = '/clevertap.html';
/** The host page is a local extension page: it is up in well under a second unless broken. */
export const READY_TIMEOUT_MS = 5_000;

interface Pending {
  method: HostMethod;
  resolve(result: unknown): void;
  reject(error: CallFailure): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SignedCallFrameOptions {
  onEvent(event: HostEvent): void;
  document?: Document;
  /** Where the host page lives; its origin is the only one we accept messages from. */
  url?: string;
}

export class SignedCallFrame {
  private iframe: HTMLIFrameElement | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readyWaiter: { resolve(): void; reject(error: CallFailure): void } | null = null;
  private readonly doc: Document;
  private readonly url: URL;
  private readonly listener = (event: MessageEvent) => this.onMessage(event);

  constructor(private readonly options: SignedCallFrameOptions) {
    this.doc = options.document ?? document;
    this.url = new URL(
      options.url ?? HOST_PATH,
      this.doc.location?.href ?? 'chrome-extension://invalid/',
    );
  }

  /** Creates the iframe and resolves once the host says it is ready. */
  async open(): Promise<void> {
    if (this.iframe) return;
    const iframe = this.doc.createElement('iframe');
    iframe.src = this.url.href;
    // The SDK needs the microphone and plays audio; the frame is never shown.
    iframe.allow = 'microphone; autoplay';
    iframe.hidden = true;
    iframe.setAttribute('aria-hidden', 'true');
    iframe.style.display = 'none';
    this.iframe = iframe;
    const view = this.doc.defaultView;
    view?.addEventListener('message', this.listener);
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
    });
    this.doc.body.append(iframe);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new CallFailure(
                  'internal',
                  `the CleverTap host page did not start in ${READY_TIMEOUT_MS / 1000} s`,
                ),
              ),
            READY_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      this.close();
      throw error;
    } finally {
      clearTimeout(timer);
      this.readyWaiter = null;
    }
  }

  request<M extends HostMethod>(
    method: M,
    params: HostParams<M>,
    timeoutMs: number,
  ): Promise<HostResults[M]> {
    const target = this.iframe?.contentWindow;
    if (!target)
      return Promise.reject(new CallFailure('not-signed-in', 'CleverTap host is not running'));
    const id = this.nextId++;
    return new Promise<HostResults[M]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new CallFailure(
            'provider-unreachable',
            `CleverTap host: ${method} timed out after ${timeoutMs / 1000} s`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, timer });
      target.postMessage(
        { protocol: PROTOCOL, kind: 'request', id, method, params },
        this.url.origin,
      );
    });
  }

  /** Removes the iframe: the SDK, its sockets and its retry timers go with the document. */
  close(): void {
    this.doc.defaultView?.removeEventListener('message', this.listener);
    this.iframe?.remove();
    this.iframe = null;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new CallFailure('internal', `CleverTap host closed during ${pending.method}`));
      this.pending.delete(id);
    }
  }

  get running(): boolean {
    return this.iframe !== null;
  }

  private onMessage(event: MessageEvent): void {
    // Only our own iframe, from our own origin: other frames and pages are ignored.
    if (
      !this.iframe ||
      event.source !== this.iframe.contentWindow ||
      event.origin !== this.url.origin
    )
      return;
    const parsed = hostMessageSchema.safeParse(event.data);
    if (!parsed.success) {
      console.warn('CleverTap host sent an invalid message', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    switch (message.kind) {
      case 'ready':
        this.readyWaiter?.resolve();
        return;
      case 'event':
        this.options.onEvent(message.event);
        return;
      case 'response': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (!message.ok) {
          const { code, detail, vendorCode } = message.error;
          pending.reject(new CallFailure(code, detail, vendorCode));
          return;
        }
        const result = resultSchemas[pending.method].safeParse(message.result);
        if (result.success) pending.resolve(result.data);
        else
          pending.reject(
            new CallFailure('internal', `CleverTap host: bad ${pending.method} result`),
          );
      }
    }
  }
}
