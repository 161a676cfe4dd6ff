// The in-page call bar: our own element with a closed shadow root (the page can neither read the call
// nor restyle its controls), shown in the tab that placed or answered the call, and for a ringing call
// in the CRM tab the agent focused last (and briefly with the reason when a click could not start a
// call). Its call controls act only on the agent's own visible click (clickGuard). The agent can drag
// it (pointer or arrow keys on its handle) and minimise it, so it never hides the CRM's own dialogs
// for good; its position is remembered per site (by the background: storage is closed to us here).
import { render, type ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { background, type AppState } from '../messaging/background';
import { createClickGuard } from './clickGuard';
import type { CallError, CallSnapshot } from '../call/state';
import { useNow, watchAppState } from '../ui/appState';
import { CallPanel } from '../ui/CallPanel';
import { useWrapupAfter, WrapupPanel } from '../ui/wrapup/WrapupPanel';
import {
  clampPosition,
  DEFAULT_POSITION,
  dragTo,
  nudge,
  parsePosition,
  type BarPosition,
} from '../ui/callBarPosition';
import { formatDuration, formatTarget } from '../ui/format';
import { describeError, t, uiLanguage } from '../ui/i18n';
import { BASE_CSS } from '../ui/styles';

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

async function loadPosition(): Promise<BarPosition | null> {
  try {
    return parsePosition(await background.send('callBarPosition', {}));
  } catch {
    return null;
  }
}

async function savePosition(position: BarPosition): Promise<void> {
  try {
    await background.send('callBarPosition', { position });
  } catch {
    // The extension was reloaded under this page: nothing to remember with.
  }
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
  const errors: { show(error: CallError): void } = { show: () => undefined };
  void shadowMode().then((mode) => {
    if (!signal.aborted) attach(mode, signal, doc, errors);
  });
  return { showError: (error) => errors.show(error) };
}

function attach(
  mode: ShadowRootMode,
  signal: AbortSignal,
  doc: Document,
  errors: { show(error: CallError): void },
) {
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
  const view = (doc.defaultView ?? window) as Window & typeof globalThis;
  const guard = createClickGuard(view, signal);
  // The call controls' check: the agent's own click on the visible control (see clickGuard).
  const allows = (event: Event) =>
    guard.allows(event, event.currentTarget as Element, shadow, host);
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

  function Bar() {
    const [state, setState] = useState<AppState | null>(null);
    const [notice, setNotice] = useState<CallError | null>(null);
    const [position, setPosition] = useState<BarPosition>(DEFAULT_POSITION);
    const [minimizedFor, setMinimizedFor] = useState<string | null>(null);
    const bar = useRef<HTMLDivElement>(null);
    const drag = useRef<{ x: number; y: number; start: BarPosition; id: number } | null>(null);

    useEffect(() => {
      const controller = new AbortController();
      watchAppState(setState, controller.signal);
      errors.show = (error) => setNotice(error);
      void loadPosition().then((saved) => saved && setPosition(saved));
      const onResize = () => setPosition((p) => clamp(p));
      view.addEventListener('resize', onResize, { signal: controller.signal });
      return () => controller.abort();
    }, []);
    useEffect(() => {
      if (!notice) return;
      const id = setTimeout(() => setNotice(null), 8000);
      return () => clearTimeout(id);
    }, [notice]);

    const clamp = (p: BarPosition): BarPosition => {
      const rect = bar.current?.getBoundingClientRect();
      return clampPosition(
        p,
        { width: view.innerWidth, height: view.innerHeight },
        { width: rect?.width ?? 280, height: rect?.height ?? 120 },
      );
    };
    // Keep it on screen when its size changes (keypad opened, minimised, another page width).
    useLayoutEffect(() => {
      const next = clamp(position);
      if (next.right !== position.right || next.bottom !== position.bottom) setPosition(next);
    });

    const call = state?.call ?? null;
    const [wrapup, closeWrapup] = useWrapupAfter(call);
    // A ringing call or call waiting always shows the full bar, so Answer is one click away.
    const mustExpand = call?.phase === 'incoming' || Boolean(state?.waiting);
    const minimized = Boolean(call && minimizedFor === call.callId && !mustExpand);
    const move = (next: BarPosition, persist: boolean) => {
      const clamped = clamp(next);
      setPosition(clamped);
      if (persist) void savePosition(clamped);
    };

    const head = (title: ComponentChildren) => (
      <div class="c2c-head">
        <button
          class="c2c-grip"
          aria-label={t('callBarMove')}
          title={t('callBarMoveHint')}
          aria-describedby="c2c-move-hint"
          onPointerDown={(e) => {
            if (!e.isPrimary) return;
            e.currentTarget.setPointerCapture(e.pointerId);
            drag.current = { x: e.clientX, y: e.clientY, start: position, id: e.pointerId };
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d && d.id === e.pointerId)
              move(dragTo(d.start, e.clientX - d.x, e.clientY - d.y), false);
          }}
          onPointerUp={(e) => {
            const d = drag.current;
            if (!d || d.id !== e.pointerId) return;
            drag.current = null;
            move(dragTo(d.start, e.clientX - d.x, e.clientY - d.y), true);
          }}
          onPointerCancel={() => {
            drag.current = null;
          }}
          onKeyDown={(e) => {
            if (e.key === 'Home') {
              e.preventDefault();
              move(DEFAULT_POSITION, true);
              return;
            }
            const next = nudge(position, e.key, e.shiftKey);
            if (!next) return;
            e.preventDefault();
            move(next, true);
          }}
        >
          <span aria-hidden="true">⋮⋮</span>
        </button>
        <span class="sr-only" id="c2c-move-hint">
          {t('callBarMoveHint')}
        </span>
        <span class="c2c-title" data-testid="call-bar-title">
          {title}
        </span>
        {minimized && call && call.phase !== 'ended' && (
          <button
            class="c2c-hangup"
            onClick={(e) => allows(e) && void background.send('hangup', {}).catch(() => undefined)}
          >
            {t('hangUp')}
          </button>
        )}
        {call && !mustExpand && (
          <button
            class="c2c-toggle"
            aria-expanded={!minimized}
            aria-label={minimized ? t('callBarExpand') : t('callBarMinimize')}
            title={minimized ? t('callBarExpand') : t('callBarMinimize')}
            data-testid="call-bar-toggle"
            onClick={() => setMinimizedFor(minimized ? null : call.callId)}
          >
            <span aria-hidden="true">{minimized ? '▴' : '▾'}</span>
          </button>
        )}
      </div>
    );

    const style = { right: `${position.right}px`, bottom: `${position.bottom}px` };
    if (call) {
      const label = t(call.phase === 'ended' ? 'callBarLabelEnded' : 'callBarLabel');
      return (
        <div
          ref={bar}
          class="c2c-bar"
          style={style}
          data-testid="call-bar"
          data-minimized={minimized ? '' : undefined}
          role="region"
          aria-label={label}
        >
          {head(minimized ? <MinimizedSummary call={call} /> : label)}
          {!minimized && <CallPanel call={call} waiting={state?.waiting} allows={allows} />}
        </div>
      );
    }
    if (notice) {
      return (
        <div
          ref={bar}
          class="c2c-bar c2c-notice"
          style={style}
          role="alert"
          data-testid="call-bar-notice"
        >
          <span>{describeError(notice)}</span>
          <button onClick={() => setNotice(null)} aria-label={t('dismiss')}>
            ×
          </button>
        </div>
      );
    }
    if (wrapup) {
      return (
        <div
          ref={bar}
          class="c2c-bar"
          style={style}
          data-testid="call-bar"
          role="region"
          aria-label={t('wrapupLabel')}
        >
          {head(t('wrapupLabel'))}
          <WrapupPanel call={wrapup} close={closeWrapup} allows={allows} />
        </div>
      );
    }
    return null;
  }
  render(<Bar />, mount);
  signal.addEventListener('abort', () => {
    render(null, mount);
    host.remove();
  });
}

/** One line while minimised: who, the phase and the timer (the title row's text). */
function MinimizedSummary({ call }: { call: CallSnapshot }) {
  const now = useNow(call.phase !== 'ended');
  const who = call.displayName ?? formatTarget(call.target);
  const phase =
    call.phase === 'ended'
      ? t(`ended_${(call.endReason ?? 'failed').replace(/-/g, '_')}`)
      : t(`phase_${call.phase}`);
  const elapsed = call.answeredAt
    ? formatDuration((call.endedAt ?? now) - call.answeredAt, uiLanguage())
    : null;
  return (
    <span class="c2c-mini" role="status" data-call-phase={call.phase} data-testid="call-bar-mini">
      <strong>{who}</strong> · {phase}
      {elapsed ? ` · ${elapsed}` : ''}
    </span>
  );
}
