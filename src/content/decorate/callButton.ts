// Our call button: a `<c2c-call>` host with a closed shadow root, so page CSS cannot reach inside.
import { parseTargetUri, targetToUri, type Target } from '../../contract/target';
import { createClickGuard } from '../clickGuard';

export const HOST_TAG = 'c2c-call';
export const TARGET_ATTRIBUTE = 'data-c2c-target';
/**
 * Off-screen buttons are inserted with this attribute (not rendered: no layout) and shown together
 * when the last slice is written, so a long page re-lays out once instead of once per slice.
 */
export const PENDING_ATTRIBUTE = 'data-c2c-pending';

// A phone handset. On screen it is one picture per state (a blue disc, the handset in white): no
// mask and no positioned pseudo-element, so each button is a single box that paints as an image
// (a masked layer per button made scrolling long lists repaint slowly). In forced colours it is a mask
// again, so it takes the system's colours.
const HANDSET =
  "%3Cpath d='M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z'/%3E";
const svg = (body: string) =>
  `url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E${body}%3C/svg%3E")`;
/** The handset in the middle two thirds of a disc of `fill` (an escaped colour). */
const disc = (fill: string) =>
  svg(
    `%3Ccircle cx='12' cy='12' r='12' fill='${fill}'/%3E%3Cg fill='%23fff' transform='translate(4 4) scale(.6667)'%3E${HANDSET}%3C/g%3E`,
  );
const ICON = svg(HANDSET);

// `!important` in :host outranks the page's rules, `!important` and inline ones included (the shadow
// tree's important rules win), so the host keeps its own box; clickGuard checks what CSS cannot pin.
// Size containment fixes that box whatever is inside. No paint or layout containment: each made
// every button a layer with its own transform and clip nodes (about 1.1 KB of the renderer's memory
// a button, 23 MB on a 10,000-row list), which the browser walked in every frame of a scroll (frames
// of 67-100 ms there); the content never changes size, and its focus ring may now show whole.
const CSS = `
:host{all:initial!important;display:inline-block!important;vertical-align:middle!important;margin:0 0 0 .3em!important;line-height:0!important;
width:18px!important;height:18px!important;contain:size style!important;position:static!important;opacity:1!important;visibility:visible!important}
button{all:unset;box-sizing:border-box;display:block;width:18px;height:18px;border-radius:50%;cursor:pointer;
background:${disc('%230b6bcb')} center/contain no-repeat}
button:hover{background-image:${disc('%23084f96')}}
button:focus-visible{outline:2px solid #0b6bcb;outline-offset:2px}
:host([data-c2c-pending]){display:none!important}
@media print{:host{display:none!important}}
@media (forced-colors:active){button{border:1px solid ButtonText;background:ButtonFace;position:relative}
button::before{content:"";position:absolute;inset:3px;background:ButtonText;-webkit-mask:${ICON} center/contain no-repeat;mask:${ICON} center/contain no-repeat}}
`;

/** What a button is made from (the decorator's match). */
export interface ButtonSpec {
  target: Target;
  /** Node the button was inserted after (a text node, link or contact element). */
  anchor: Node;
  kind: 'phone' | 'contact';
  /** Name to announce: formatted number or contact name. */
  formatted: string;
}

export interface HostInfo {
  readonly target: Target;
  readonly uri: string;
  readonly anchor: Node;
  readonly kind: 'phone' | 'contact';
  /** A contact's name, to announce and to call under; '' for a phone number (its row names it). */
  readonly formatted: string;
  /**
   * A contact's anchor text when the button was made: a click counts only while the button still
   * follows it. null for a phone number: its text is read again at the click (`StillWritten`).
   */
  readonly anchorText: string | null;
  /** The button in the host's closed shadow root. */
  readonly button: HTMLButtonElement;
}

/**
 * Whether the page still writes, at `anchor`, the number `uri` was found in: the decorator would
 * make this button there now. Read at a click, instead of a copy of each number's text kept per
 * button (about 0.9 MB on a 10,000-row list).
 */
export type StillWritten = (anchor: Node, uri: string) => boolean;

/**
 * A phone number's button, one per number, so as small as it can be (a 10,000-row list has 20,000):
 * three fields. Its target is read back from its URI when asked for (a click, the learned
 * directory); its formatted text is not kept (the button's label and title have it), nor its text
 * (read again at a click); the inner button is a field, not a map entry.
 */
class PhoneRecord implements HostInfo {
  constructor(
    readonly uri: string,
    readonly anchor: Node,
    readonly button: HTMLButtonElement,
  ) {}

  get target(): Target {
    return parseTargetUri(this.uri)!;
  }
  get kind(): 'phone' {
    return 'phone';
  }
  get formatted(): string {
    return '';
  }
  get anchorText(): null {
    return null;
  }
}

/** A contact's button keeps its target (its label is not in the URI) and its anchor's text. */
class ContactRecord implements HostInfo {
  readonly kind = 'contact';
  constructor(
    readonly target: Target,
    readonly uri: string,
    readonly anchor: Node,
    readonly formatted: string,
    readonly anchorText: string | null,
    readonly button: HTMLButtonElement,
  ) {}
}

const hostInfo = new WeakMap<Element, PhoneRecord | ContactRecord>();

/** Test helper: the button inside a host's closed shadow root. */
export function innerButtonOf(host: Element): HTMLButtonElement | undefined {
  return hostInfo.get(host)?.button;
}

export function infoOf(host: Element): HostInfo | undefined {
  return hostInfo.get(host);
}

export function isHost(node: Node): node is HTMLElement {
  return node.nodeType === 1 && (node as Element).localName === HOST_TAG;
}

export type Activate = (host: HTMLElement, info: HostInfo) => void;

/**
 * Whether the host still sits right after the text it was made for (a page can move our button next
 * to another number: the call would go to the first number under the other row's name), and that
 * text still says what the button dials (a page can rewrite the number beside our button).
 */
export function followsAnchor(host: Element, info: HostInfo, stillWritten: StillWritten): boolean {
  const { anchor } = info;
  if (!anchor.isConnected) return false;
  if (
    info.anchorText === null
      ? !stillWritten(anchor, info.uri)
      : anchor.textContent !== info.anchorText
  )
    return false;
  let node = host.previousSibling;
  while (node && node !== anchor && isHost(node)) node = node.previousSibling;
  return node === anchor;
}

/** Creates hosts for one document; one stylesheet and one set of listeners shared by all. */
export function createButtonFactory(
  doc: Document,
  label: (formatted: string) => string,
  activate: Activate,
  stillWritten: StillWritten,
) {
  let sheet: CSSStyleSheet | null = null;
  try {
    const Ctor = doc.defaultView?.CSSStyleSheet ?? CSSStyleSheet;
    sheet = new Ctor();
    sheet.replaceSync(CSS);
  } catch {
    sheet = null;
  }
  const hostOf = (event: Event): HTMLElement | null => {
    // Events from inside our closed shadow roots reach the document retargeted to the host.
    const target = event.target as Node | null;
    return target && isHost(target) && hostInfo.has(target) ? target : null;
  };
  // The guard finds a lazily followed button from its host here: no entry of its own per button.
  const guard = createClickGuard(
    (doc.defaultView ?? window) as Window & typeof globalThis,
    undefined,
    (host) => hostInfo.get(host)?.button,
  );
  let listening = false;
  // On each closed root (capture), where the event's composed path shows what inside was hit.
  const onClick = (event: Event) => {
    const root = event.currentTarget as ShadowRoot;
    const host = root.host as HTMLElement;
    // The page's row handlers must not also react (open the record, select the row).
    event.stopPropagation();
    event.preventDefault();
    if (!listening || !hostInfo.has(host)) return;
    // Only the agent's own click on our visible, unoccluded button places a call: synthetic
    // clicks, clicks on a host the page blew up or hid, and covered buttons are ignored.
    const info = hostInfo.get(host)!;
    if (!guard.allows(event, info.button, root, host)) return;
    if (!followsAnchor(host, info, stillWritten)) {
      // Moved by the page: drop it; the decorator sees a button removed and decorates that part of
      // the page again, so each number gets its own button back.
      host.remove();
      return;
    }
    activate(host, info);
  };
  const stop = (event: Event) => {
    if (hostOf(event)) event.stopPropagation();
  };
  const onKey = (event: Event) => {
    const key = (event as KeyboardEvent).key;
    if ((key === 'Enter' || key === ' ') && hostOf(event)) event.stopPropagation();
  };

  /** One set of listeners for all buttons, on the document (capture), removed on abort. */
  function listen(signal: AbortSignal) {
    const options = { capture: true, signal };
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick'])
      doc.addEventListener(type, stop, options);
    doc.addEventListener('keydown', onKey, options);
    listening = true;
    signal.addEventListener(
      'abort',
      () => {
        listening = false;
        guard.stop();
      },
      { once: true },
    );
  }

  function create(info: ButtonSpec): HTMLElement {
    const uri = targetToUri(info.target);
    const host = doc.createElement(HOST_TAG);
    host.setAttribute(TARGET_ATTRIBUTE, uri);
    const root = host.attachShadow({ mode: 'closed' });
    let styled = false;
    if (sheet) {
      try {
        root.adoptedStyleSheets = [sheet];
        styled = true;
      } catch {
        styled = false;
      }
    }
    if (!styled) {
      const style = doc.createElement('style');
      style.textContent = CSS;
      root.append(style);
    }
    const button = doc.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-label', label(info.formatted));
    button.title = info.kind === 'phone' ? info.formatted : label(info.formatted);
    root.append(button);
    hostInfo.set(
      host,
      info.kind === 'phone'
        ? new PhoneRecord(uri, info.anchor, button)
        : new ContactRecord(
            info.target,
            uri,
            info.anchor,
            info.formatted,
            info.anchor.textContent,
            button,
          ),
    );
    root.addEventListener('click', onClick, { capture: true });
    guard.watch(button, root);
    return host;
  }

  return { create, listen };
}
