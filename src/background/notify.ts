// Notifications on both browsers: Firefox refuses Chrome's `buttons` and `requireInteraction` (its
// notifications.create throws a type error on them), so there the same notification goes without.
import { browser } from 'wxt/browser';

export interface NotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  buttons?: { title: string }[];
  requireInteraction?: boolean;
  priority?: number;
}

interface NotificationsApi {
  create(id: string, options: NotificationOptions): Promise<string>;
}

/** Shows a notification; never throws (a notification is never worth breaking a state update). */
export async function notify(
  id: string,
  options: NotificationOptions,
  api: NotificationsApi = browser.notifications as unknown as NotificationsApi,
): Promise<void> {
  try {
    await api.create(id, options);
  } catch {
    const { buttons: _buttons, requireInteraction: _sticky, ...plain } = options;
    await Promise.resolve()
      .then(() => api.create(id, plain))
      .catch(() => undefined);
  }
}
