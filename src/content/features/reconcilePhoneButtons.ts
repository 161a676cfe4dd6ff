// Makes a container's phone buttons match what it should have: keeps the right ones, replaces the rest.
import { PENDING_ATTRIBUTE, infoOf, isHost } from '../decorate/callButton';
import type { Wanted } from '../decorate/containers';
import type { Page } from '../decorate/page';
import { targetToUri as targetUri } from '../../contract/target';

/**
 * `wanted` and `existing` come from scanContainer. With `hold`, new buttons are written hidden
 * (PENDING_ATTRIBUTE) and collected there, for the caller to reveal together.
 */
export function reconcilePhoneButtons(
  page: Pick<Page, 'createButton' | 'removeButton'>,
  wanted: Wanted[],
  existing: HTMLElement[],
  hold?: HTMLElement[],
): void {
  const keep = new Set<HTMLElement>();
  for (let i = 0; i < wanted.length;) {
    const anchor = wanted[i]!.anchor;
    let j = i;
    while (j < wanted.length && wanted[j]!.anchor === anchor) j++;
    if (!anchor.parentNode) {
      i = j; // gone since it was read; its container is queued again by the observer
      continue;
    }
    const chain: HTMLElement[] = [];
    for (let n = anchor.nextSibling; n && isHost(n); n = n.nextSibling) {
      if (infoOf(n)?.kind === 'phone') chain.push(n);
    }
    const same =
      chain.length === j - i &&
      chain.every((h, k) => infoOf(h)!.uri === targetUri(wanted[i + k]!.target));
    if (same) chain.forEach((h) => keep.add(h));
    else {
      let after: Node = anchor;
      for (let k = i; k < j; k++) {
        const want = wanted[k]!;
        const host = page.createButton({
          target: want.target,
          anchor,
          kind: 'phone',
          formatted: want.formatted,
        });
        if (hold) {
          host.setAttribute(PENDING_ATTRIBUTE, '');
          hold.push(host);
        }
        after.parentNode!.insertBefore(host, after.nextSibling);
        keep.add(host);
        after = host;
      }
    }
    i = j;
  }
  for (const host of existing) {
    if (!keep.has(host) && infoOf(host)?.kind === 'phone') page.removeButton(host);
  }
}
