// Background service worker wiring: the controller plus badge, notifications, commands and install.
import { browser } from 'wxt/browser';
import type { AppState } from '../messaging/background';
import { describeTarget } from '../contract/target';
import { t } from '../ui/i18n';
import { selectionToTarget } from '../detect/selectionToTarget';
import { loadSettings, SETTINGS_KEY } from '../settings/storage';
import { syncSiteContentScripts, watchSitePermissions } from './sites';
import { BackgroundController, openOnboarding } from './BackgroundController';
import { offscreenCallHost, type CallHost } from './callHost';
import { callWindowHost } from './callWindow';
import { chooseSessionStore } from './sessionStore';
import { notify } from './notify';
import { MISSED_NOTIFICATION_PREFIX, type IdleState, type RingingCall } from './presence';

const INCOMING_NOTIFICATION = 'incoming-call';
const CALL_SELECTION_MENU = 'call-selection';

export function startBackground(): void {
  let notifiedCallId: string | null = null;

  const controller = new BackgroundController({
    host: chooseCallHost(),
    sessions: chooseSessionStore(),
    onState: (state) => {
      void updateBadge(state);
      updateIncomingNotification(state, notifiedCallId);
      notifiedCallId = incomingCallId(state);
      void controller.presence.observe(
        state,
        (call) => call.displayName ?? describeTarget(call.target),
      );
    },
    onMissed: showMissedNotification,
  });
  controller.start();
  // The e2e tests cannot make the machine idle: the test build lets them report what chrome.idle
  // would (the same handler). Vite drops this branch from every other build.
  if (import.meta.env.MODE === 'test')
    (globalThis as { c2cTestIdle?: unknown }).c2cTestIdle = (idle: IdleState) =>
      controller.presence.onIdle(idle);
  const handlers = controller.handlers();
  const noData = {} as Record<string, never>;
  const none = { id: browser.runtime.id } as const;

  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void openOnboarding();
    // Menus persist across worker restarts; (re)create them on install and update only.
    void browser.contextMenus.removeAll().then(() =>
      browser.contextMenus.create({
        id: CALL_SELECTION_MENU,
        title: t('contextMenuCall', '%s'),
        contexts: ['selection'],
      }),
    );
  });

  browser.contextMenus.onClicked.addListener((info) => {
    if (info.menuItemId !== CALL_SELECTION_MENU || !info.selectionText) return;
    const text = info.selectionText;
    void loadSettings().then(async ({ settings }) => {
      const target = selectionToTarget(text, settings.defaultCountry);
      if (!target) {
        await browser.notifications.create({
          type: 'basic',
          iconUrl: browser.runtime.getURL('/icon/128.png'),
          title: t('extName'),
          message: t('selectionNotANumber', text.slice(0, 60)),
        });
        return;
      }
      // A menu click is the agent's own gesture, like a click on a call button.
      await Promise.resolve(handlers.startCall({ target }, none)).catch(() => undefined);
    });
  });

  // Admin-added sites: keep the dynamic content script in step with settings and granted permissions.
  const sites = async () => (await loadSettings()).settings.sites;
  watchSitePermissions(sites);
  void sites()
    .then((list) => syncSiteContentScripts(list))
    .catch(() => undefined);
  browser.storage.onChanged.addListener((changes, area) => {
    if ((area === 'local' && SETTINGS_KEY in changes) || area === 'managed') {
      void sites()
        .then((list) => syncSiteContentScripts(list))
        .catch(() => undefined);
    }
  });

  // After a browser restart, reconnect a signed-in agent so incoming calls ring.
  browser.runtime.onStartup.addListener(() => void controller.warmUp());

  browser.commands.onCommand.addListener((command) => {
    const run = async () => {
      const state = await handlers.getState(noData, none);
      if (command === 'hang-up') await handlers.hangup(noData, none);
      if (command === 'toggle-mute' && state.call)
        await handlers.setMuted({ muted: !state.call.muted }, none);
      if (command === 'answer') await handlers.answer(noData, none);
      if (command === 'cycle-presence') await handlers.setPresence({ presence: 'next' }, none);
    };
    void run().catch(() => undefined);
  });

  // A missed call's notification stays until the agent clicks it (or opens the popup).
  browser.notifications.onClicked.addListener((id) => {
    if (id.startsWith(MISSED_NOTIFICATION_PREFIX))
      void Promise.resolve(handlers.seenMissed(noData, none)).catch(() => undefined);
  });

  browser.notifications.onButtonClicked.addListener((id, index) => {
    if (id !== INCOMING_NOTIFICATION) return;
    void Promise.resolve()
      .then(() => (index === 0 ? handlers.answer(noData, none) : handlers.decline(noData, none)))
      .catch(() => undefined);
    void browser.notifications.clear(id);
  });
}

/** Chosen once: Chrome's offscreen document where the API exists, else (Firefox) a call window. */
function chooseCallHost(): CallHost {
  const offscreen = (globalThis as { chrome?: { offscreen?: { createDocument?: unknown } } }).chrome
    ?.offscreen;
  return typeof offscreen?.createDocument === 'function' ? offscreenCallHost : callWindowHost();
}

function incomingCallId(state: AppState): string | null {
  const incoming = state.waiting ?? (state.call?.phase === 'incoming' ? state.call : null);
  return incoming?.callId ?? null;
}

function updateIncomingNotification(state: AppState, shownFor: string | null): void {
  const callId = incomingCallId(state);
  if (callId === shownFor) return;
  if (!callId) {
    void browser.notifications.clear(INCOMING_NOTIFICATION);
    return;
  }
  const call = state.waiting ?? state.call;
  if (!call) return;
  void notify(INCOMING_NOTIFICATION, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    title: t('notifyIncomingTitle'),
    message: call.displayName ?? describeTarget(call.target),
    buttons: [{ title: t('answer') }, { title: t('decline') }],
    requireInteraction: true,
    priority: 2,
  });
}

function showMissedNotification(call: RingingCall): void {
  void notify(`${MISSED_NOTIFICATION_PREFIX}${call.callId}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    title: t('notifyMissedTitle'),
    message: call.label,
    requireInteraction: true,
    priority: 1,
  });
}

/** The badge when no call is on: the missed-call count first, else Away or Do not disturb. */
function idleBadge(state: AppState): [string, string] {
  const missed = state.unseenMissed ?? 0;
  if (missed > 0) return [missed > 99 ? '99+' : String(missed), '#dc2626'];
  const shown = state.presence?.shown;
  if (shown === 'away') return [t('badgeAway'), '#d97706'];
  if (shown === 'dnd') return [t('badgeDnd'), '#7c3aed'];
  return ['', '#16a34a'];
}

async function updateBadge(state: AppState): Promise<void> {
  const phase = state.waiting ? 'incoming' : state.call?.phase;
  const [text, color] =
    phase === 'incoming'
      ? ['•••', '#dc2626']
      : phase === 'active' ||
          phase === 'reconnecting' ||
          phase === 'ringing' ||
          phase === 'connecting'
        ? ['●', '#16a34a']
        : state.provider.state === 'error'
          ? ['!', '#d97706']
          : idleBadge(state);
  await browser.action.setBadgeBackgroundColor({ color });
  await browser.action.setBadgeText({ text });
  // The title says it in words, the count of missed calls too (the badge has room for one).
  const shown = state.presence?.shown ?? 'offline';
  const missed = state.unseenMissed ?? 0;
  const status = t(`presence_${shown.replace('-', '_')}`);
  await browser.action.setTitle({
    title: t(
      'actionTitle',
      missed > 0 ? `${status} · ${t('missedCount', String(missed))}` : status,
    ),
  });
}
