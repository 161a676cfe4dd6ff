// Our shadow roots' pointer and focus listeners, added when the pointer or focus first comes to each.

/**
 * The pointer and focus listeners of our shadow roots (`handle` hears each event there). A root gets
 * them when the pointer or focus first comes to its host, not when it is made: five listeners on
 * each of thousands of buttons were most of the cost of making them. The document's capture
 * listener runs before the root's, so the root's hear that same event. A page that stops these
 * events before us only keeps our controls from counting a click (no look, no visibility spell).
 */
export function rootListeners(
  view: Window & typeof globalThis,
  handle: (event: Event) => void,
  /** A root waiting that was not added: found from its host (one of our hosts) instead. */
  rootOf: (host: Element) => ShadowRoot | undefined = () => undefined,
): { add(root: ShadowRoot): void; stop(): void } {
  let stopped = false;
  const listening = new WeakSet<ShadowRoot>();
  /** Roots whose listeners wait for the pointer or focus to first arrive, by host. */
  const waiting = new WeakMap<Element, ShadowRoot>();
  // No `signal` option on the roots' listeners: on thousands of roots, an abort signal per listener
  // cost several times the listener itself; after stop() they do nothing.
  const onRoot = (event: Event) => {
    if (!stopped) handle(event);
  };
  const listen = (root: ShadowRoot) => {
    listening.add(root);
    const options = { capture: true, passive: true };
    for (const type of ['pointerover', 'pointerdown', 'pointerout', 'focusin', 'focusout'])
      root.addEventListener(type, onRoot, options);
  };
  const arrive = (event: Event) => {
    for (const node of event.composedPath()) {
      if (node === view.document) return;
      const el = node as Element;
      const root = waiting.get(el) ?? (el.nodeType === 1 ? rootOf(el) : undefined);
      if (!root) continue;
      waiting.delete(el);
      if (!listening.has(root)) listen(root);
      return;
    }
  };
  const arrivals = new AbortController();
  for (const type of ['pointerover', 'focusin'])
    view.document.addEventListener(type, arrive, {
      capture: true,
      passive: true,
      signal: arrivals.signal,
    });
  return {
    add(root) {
      if (!listening.has(root)) waiting.set(root.host, root);
    },
    stop() {
      stopped = true;
      arrivals.abort();
    },
  };
}
