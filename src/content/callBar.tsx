// The in-page call bar: our own element with a closed shadow root (the page can neither read the call
// nor restyle its controls), shown in the tab that placed or answered the call, and for a ringing call
// in the CRM tab the agent focused last (and briefly with the reason when a click could not start a
// call). Its call controls act only on the agent's own visible click (clickGuard). The agent can drag
// it (pointer or arrow keys on its handle) and minimise it, so it never hides the CRM's own dialogs
// for good; its position is remembered per site (by the background: storage is closed to us here).
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createClickGuard, type ClickGuard } from './clickGuard';
import type { CallError } from '../call/state';
import { CALL_ERROR_CHANNEL } from '../messaging/background';
import { BASE_CSS } from '../ui/styles';
import { Bar, type BarErrors } from './callBar/Bar';

// The host resets everything the page's CSS could pass down, then our shared CSS sets the type.
const RESET_CSS = `:host { all: initial !important; }`;
const BAR_CSS = `
.c2c-bar { position: fixed; z-index: 2147483000; min-width: 240px; max-width: 360px;
  background: var(--c2c-bg); color: var(--c2c-fg); border: 1px solid var(--c2c-border); border-radius: 10px;
  box-shadow: 0 8px 24px rgba(0,0,0,.18); padding: 6px 12px 10px; display: grid; gap: 6px; }
.c2c-bar[data-minimized] { min-width: 0; padding-bottom: 6px; }
.c2c-head { display: flex; gap: 6px; align-items: center; }
.c2c-grip { cursor: grab; touch-action: none; padding: 2px 6px; border-color: transparent; letter-spacing: -2px; }
.c2c-grip:active { cursor: grabbing; }
.c2c-title { flex: 1; font-size: 12px; color: var(--c2c-muted); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.c2c-bar[data-minimized] .c2c-title { color: var(--c2c-fg); font-size: 13px; }
.c2c-toggle { padding: 2px 8px; }
.c2c-notice { display: flex; gap: 8px; align-items: center; }
@media print { .c2c-bar { display: none; } }
`;

export interface CallBarHandle {
  /** Shows a failure that happened before any call existed (e.g. not signed in). */
  showError(error: CallError): void;
}

const roots = new WeakMap<Element, ShadowRoot>();
/** Test helper: the bar's closed shadow root (pages cannot reach it). */
export function shadowRootOf(host: Element): ShadowRoot | undefined {
  return roots.get(host);
}

/**
 * Closed, always. Only the test build lets the browser tests (Playwright cannot see into closed
 * roots) ask for an open one, through extension storage a page cannot write; the security tests
 * run with it closed.
 */
async function shadowMode(): Promise<ShadowRootMode> {
  if (import.meta.env.MODE !== 'test') return 'closed';
  try {
    const flag = (await browser.storage.sync.get('e2eOpenShadowRoots')).e2eOpenShadowRoots;
    return flag === true ? 'open' : 'closed';
  } catch {
    return 'closed';
  }
}

export function mountCallBar(signal: AbortSignal, doc: Document = document): CallBarHandle {
  const errors: BarErrors = { show: () => undefined };
  void shadowMode().then((mode) => {
    if (!signal.aborted) attach(mode, signal, doc, errors);
  });
  showFramesErrors(errors, signal);
  return { showError: (error) => errors.show(error) };
}

/** A call error as the background sends it, or null for anything else. */
export function callErrorOf(value: unknown): CallError | null {
  const e = value as Partial<Record<keyof CallError, unknown>> | null;
  if (typeof e !== 'object' || e === null) return null;
  if (typeof e.code !== 'string' || !/^[a-z-]{1,40}$/.test(e.code)) return null;
  if (e.detail !== undefined && typeof e.detail !== 'string') return null;
  if (e.vendorCode !== undefined && typeof e.vendorCode !== 'string') return null;
  return {
    code: e.code as CallError['code'],
    ...(e.detail ? { detail: e.detail.slice(0, 500) } : {}),
    ...(e.vendorCode ? { vendorCode: e.vendorCode.slice(0, 64) } : {}),
  };
}

/**
 * Why a click on a button in one of the page's frames did not start a call: frames have no bar of
 * their own, so the background sends the reason here (only it can: pages cannot message us).
 */
function showFramesErrors(errors: BarErrors, signal: AbortSignal) {
  const listener = (message: unknown, sender: { id?: string; tab?: unknown }) => {
    const m = message as { channel?: unknown; error?: unknown } | null;
    if (sender.id !== browser.runtime.id || sender.tab || m?.channel !== CALL_ERROR_CHANNEL)
      return undefined;
    const error = callErrorOf(m.error);
    if (error && !signal.aborted) errors.show(error);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener), {
    once: true,
  });
}

/** Our host element with its closed (or, in the test build, open) shadow root and styles. */
function createHost(mode: ShadowRootMode, doc: Document) {
  const host = doc.createElement('c2c-call-bar');
  host.setAttribute('data-c2c-own', '');
  const shadow = host.attachShadow({ mode });
  roots.set(host, shadow);
  const style = doc.createElement('style');
  style.textContent = RESET_CSS + BASE_CSS + BAR_CSS;
  shadow.append(style);
  const mount = doc.createElement('div');
  shadow.append(mount);
  (doc.body ?? doc.documentElement).append(host);
  return { host, shadow, mount };
}

/** Has the click guard watch every button in the bar, until the signal aborts. */
function followControls(
  view: Window & typeof globalThis,
  shadow: ShadowRoot,
  guard: ClickGuard,
  signal: AbortSignal,
) {
  // Every control shown is followed from when it appears, and looked at again whenever the bar
  // changes (a control that moves or grows must stand still a moment before a click counts).
  let shown = new Set<Element>();
  const follow = () => {
    const now = new Set<Element>(shadow.querySelectorAll('button'));
    for (const control of shown) if (!now.has(control)) guard.unwatch(control);
    for (const control of now) guard.watch(control, shadow);
    shown = now;
  };
  const changes = new view.MutationObserver(follow);
  changes.observe(shadow, {
    childList: true,
    subtree: true,
    attributes: true,
    characterData: true,
  });
  signal.addEventListener('abort', () => changes.disconnect(), { once: true });
}

/** Puts the bar into the page and renders it there until the signal aborts. */
function attach(mode: ShadowRootMode, signal: AbortSignal, doc: Document, errors: BarErrors) {
  const { host, shadow, mount } = createHost(mode, doc);
  const view = (doc.defaultView ?? window) as Window & typeof globalThis;
  const guard = createClickGuard(view, signal);
  // The call controls' check: the agent's own click on the visible control (see clickGuard).
  const allows = (event: Event) =>
    guard.allows(event, event.currentTarget as Element, shadow, host);
  followControls(view, shadow, guard, signal);
  render(<Bar view={view} errors={errors} allows={allows} />, mount);
  signal.addEventListener('abort', () => {
    render(null, mount);
    host.remove();
  });
}
