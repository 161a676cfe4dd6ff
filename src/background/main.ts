// Background service worker: routes messages, owns the offscreen document, badge and notifications.
export function startBackground(): void {}
