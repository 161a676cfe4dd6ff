// Our call button: a `<c2c-call>` host with a closed shadow root, so page CSS cannot reach inside.
import { targetToUri, type Target } from '../../contract/target';

export const HOST_TAG = 'c2c-call';
export const TARGET_ATTRIBUTE = 'data-c2c-target';
/**
 * Off-screen buttons are inserted with this attribute (not rendered: no layout) and shown together
 * when the last slice is written, so a long page re-lays out once instead of once per slice.
 */
export const PENDING_ATTRIBUTE = 'data-c2c-pending';

// A phone handset, drawn as a mask so it follows the button's colour (and forced colours).
const ICON =
  "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Cpath d='M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z'/%3E%3C/svg%3E\")";

const CSS = `
:host{all:initial;display:inline-block;vertical-align:middle;margin:0 0 0 .3em;line-height:0;width:18px;height:18px;contain:strict}
button{all:unset;box-sizing:border-box;display:inline-block;width:18px;height:18px;border-radius:50%;cursor:pointer;
background:#0b6bcb;position:relative}
button::before{content:"";position:absolute;inset:3px;background:#fff;-webkit-mask:${ICON} center/contain no-repeat;mask:${ICON} center/contain no-repeat}
button:hover{background:#084f96}
button:focus-visible{outline:2px solid #0b6bcb;outline-offset:2px}
:host([data-c2c-pending]){display:none!important}
@media print{:host{display:none!important}}
@media (forced-colors:active){button{border:1px solid ButtonText;background:ButtonFace}button::before{background:ButtonText}}
`;

export interface HostInfo {
  target: Target;
  uri: string;
  /** Node the button was inserted after (a text node, link or contact element). */
  anchor: Node;
  kind: 'phone' | 'contact';
  /** Name to announce: formatted number or contact name. */
  formatted: string;
}

const hostInfo = new WeakMap<Element, HostInfo>();
// The closed shadow root's button, for our tests only (pages cannot reach it).
const innerButtons = new WeakMap<Element, HTMLButtonElement>();

/** Test helper: the button inside a host's closed shadow root. */
export function innerButtonOf(host: Element): HTMLButtonElement | undefined {
  return innerButtons.get(host);
}

export function infoOf(host: Element): HostInfo | undefined {
  return hostInfo.get(host);
}

export function isHost(node: Node): node is HTMLElement {
  return node.nodeType === 1 && (node as Element).localName === HOST_TAG;
}

export type Activate = (host: HTMLElement, info: HostInfo) => void;

/** Creates hosts for one document; one stylesheet and one set of listeners shared by all. */
export function createButtonFactory(
  doc: Document,
  label: (formatted: string) => string,
  activate: Activate,
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
  const onClick = (event: Event) => {
    const host = hostOf(event);
    if (!host) return;
    // The page's row handlers must not also react (open the record, select the row).
    event.stopPropagation();
    event.preventDefault();
    // Only a real user activation places a call: page scripts' synthetic clicks are ignored.
    if (!event.isTrusted) return;
    activate(host, hostInfo.get(host)!);
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
    doc.addEventListener('click', onClick, options);
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick'])
      doc.addEventListener(type, stop, options);
    doc.addEventListener('keydown', onKey, options);
  }

  function create(info: Omit<HostInfo, 'uri'>): HTMLElement {
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
    innerButtons.set(host, button);
    hostInfo.set(host, { ...info, uri });
    return host;
  }

  return { create, listen };
}
