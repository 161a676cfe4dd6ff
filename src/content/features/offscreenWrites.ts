// Off-screen phone buttons: containers read in idle slices, then written hidden and revealed at
// once, so a long page re-lays out a handful of times rather than once per slice.
import { PENDING_ATTRIBUTE } from '../decorate/callButton';
import { scanContainer, type Wanted } from '../decorate/containers';
import type { Page } from '../decorate/page';
import { reconcilePhoneButtons } from './reconcilePhoneButtons';

interface Write {
  container: Element;
  version: number;
  wanted: Wanted[];
  existing: HTMLElement[];
}

export interface OffscreenWrites {
  add(containers: Element[]): void;
  /** Reads, then writes, until `deadline`. */
  run(deadline: number): void;
  pending(): boolean;
  clear(): void;
}

export function createOffscreenWrites(
  page: Page,
  country: string,
  opts: {
    /** The container's version (bumped on every change): a stale read is never written. */
    versionOf(container: Element): number;
    /** Containers the frame path has (re)queued meanwhile: it decorates them. */
    skip(container: Element): boolean;
  },
): OffscreenWrites {
  const later: Element[] = [];
  let laterIndex = 0;
  const writes: Write[] = [];
  let writeIndex = 0;
  /** Buttons written but not shown yet (see PENDING_ATTRIBUTE). */
  const hidden: HTMLElement[] = [];

  function run(deadline: number) {
    const now = page.loop.now;
    // Read everything first, then write in as few tasks as possible.
    while (laterIndex < later.length && now() < deadline) {
      const c = later[laterIndex++]!;
      if (!c.isConnected || opts.skip(c)) continue;
      if (page.isExcluded(c)) continue;
      const existing: HTMLElement[] = [];
      const wanted = scanContainer(c, country, existing);
      if (wanted.length || existing.length)
        writes.push({ container: c, version: opts.versionOf(c), wanted, existing });
    }
    if (laterIndex < later.length) return;
    while (writeIndex < writes.length && now() < deadline) {
      const w = writes[writeIndex++]!;
      // Changed since it was read: the mutation path has (or will have) redone it.
      if (!w.container.isConnected || opts.versionOf(w.container) !== w.version) continue;
      if (opts.skip(w.container)) continue;
      reconcilePhoneButtons(page, w.wanted, w.existing, hidden);
    }
    if (writeIndex < writes.length) return;
    // Shown all at once: the page lays out once for all off-screen buttons, not per slice.
    for (const host of hidden) host.removeAttribute(PENDING_ATTRIBUTE);
    clear();
  }

  function clear() {
    hidden.length = 0;
    later.length = laterIndex = 0;
    writes.length = writeIndex = 0;
  }

  return {
    add: (containers) => {
      for (const c of containers) later.push(c);
    },
    run,
    pending: () => laterIndex < later.length || writeIndex < writes.length,
    clear,
  };
}
