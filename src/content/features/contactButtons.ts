// Contact-ID buttons: a call button after each element a contact rule matches (settings.contactRules
// and presets, src/detect/contactRules.ts). Takes matches from the page's walk of added subtrees;
// observes the rules' attributes.
import {
  compileContactRules,
  contactTargetOf,
  type CompiledContactRule,
} from '../../detect/contactRules';
import { infoOf, isHost } from '../decorate/callButton';
import type { Page } from '../decorate/page';
import { targetToUri as targetUri } from '../../contract/target';

export function init(signal: AbortSignal, page: Page): void {
  const { doc, loop } = page;
  const rules: CompiledContactRule[] = compileContactRules(page.settings, doc);
  if (!rules.length || signal.aborted) return;
  const selector = rules.map((r) => r.rule.selector).join(', ');
  /** Each decorated contact element and its button. */
  const contacts = new Map<Element, HTMLElement>();
  const queue = new Set<Element>();
  // Set when elements left the page: buttons whose contact went with them are checked.
  let prune = false;

  function removeButtonsIn(root: Element) {
    for (const host of page.shadows.queryAll(root)) {
      if (infoOf(host)?.kind !== 'contact') continue;
      for (const [el, h] of contacts) if (h === host) contacts.delete(el);
      page.removeButton(host);
    }
  }

  function processContact(el: Element) {
    const current = contacts.get(el);
    const target = el.isConnected && !page.isExcluded(el) ? contactTargetOf(el, rules) : null;
    if (
      current &&
      target &&
      current.isConnected &&
      current.previousSibling === el &&
      infoOf(current)?.uri === targetUri(target)
    )
      return;
    if (current) {
      page.removeButton(current);
      contacts.delete(el);
    }
    if (!target || !el.parentNode) return;
    const name = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
    const host = page.createButton({
      target,
      anchor: el,
      kind: 'contact',
      formatted: name || target.id,
    });
    el.parentNode.insertBefore(host, el.nextSibling);
    contacts.set(el, host);
  }

  function run(_kind: 'frame' | 'idle', deadline: number) {
    if (prune) {
      prune = false;
      for (const [el, host] of contacts) {
        if (!el.isConnected || !host.isConnected) queue.add(el);
      }
    }
    for (const el of queue) {
      if (loop.now() >= deadline) break;
      queue.delete(el);
      processContact(el);
    }
  }

  function stop() {
    for (const host of page.shadows.queryAll(doc)) {
      if (infoOf(host)?.kind === 'contact') host.remove();
    }
    for (const host of contacts.values()) host.remove();
    contacts.clear();
    queue.clear();
  }

  signal.addEventListener('abort', stop, { once: true });
  const attributes = ['href'];
  for (const r of rules) {
    if (r.rule.source.type === 'attribute') attributes.push(r.rule.source.name);
  }
  // Contacts in the page and in what is added to it, from the page's one walk of each subtree.
  page.walk.subscribe(
    { selector, element: (el) => queue.add(el), excluded: removeButtonsIn },
    signal,
  );
  page.observer.subscribe(
    {
      attribute: (el) => {
        queue.add(el);
        if (!el.isConnected) prune = true;
      },
      removed: (node) => {
        if (isHost(node) ? infoOf(node)?.kind === 'contact' : node.nodeType === 1) prune = true;
      },
    },
    signal,
    attributes,
  );
  loop.add({ run, remaining: () => ({ frame: queue.size > 0 || prune, idle: false }) }, signal);
  loop.update();
}
