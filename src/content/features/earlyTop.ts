// The top of a long page while it is still loading. The decorator starts at DOMContentLoaded, but
// the browser shows a long server-rendered list as it parses it: on the 10,000-row list the first
// rows are on screen 0.1 s after navigation and DOMContentLoaded (with the page's first full layout)
// ends 2-6 s later. Until then this pass gives the first containers with numbers their buttons, in
// the frames the browser paints during the parse, once their rows are parsed. From DOMContentLoaded
// the decorator has them: it keeps a button that is right (reconcilePhoneButtons).
import { EXCLUDED, containerOf, scanContainer } from '../decorate/containers';
import type { ButtonMaker } from '../decorate/page';
import type { Scheduler } from '../decorate/scheduler';
import { mayHoldNumber } from './phoneSearch';
import { reconcilePhoneButtons } from './reconcilePhoneButtons';

/** Containers decorated early: the top of the page, as many as the DOMContentLoaded task takes. */
const EARLY_CONTAINERS = 30;
/** Each frame's share: the page parses in the tasks between. */
const FRAME_BUDGET_MS = 4;
/** Text nodes read in all; past them the top of the page holds few numbers (DOMContentLoaded has it). */
const MAX_TEXTS = 5000;
/**
 * Frames it tries in all: a page that stays loading (a stream that never ends) gets no animation
 * frame from us forever, only for about 10 s.
 */
const MAX_FRAMES = 600;

/** Starts the pass if `maker`'s document is still loading; it ends by itself. */
export function startEarlyTop(maker: ButtonMaker, scheduler: Scheduler, signal: AbortSignal): void {
  const { doc } = maker;
  if (doc.readyState !== 'loading' || signal.aborted) return;
  /** Its buttons: they go if the content script stops before the decorator has them. */
  const made: HTMLElement[] = [];
  const page = {
    createButton: (info: Parameters<ButtonMaker['createButton']>[0]) => {
      const host = maker.createButton(info);
      made.push(host);
      return host;
    },
    removeButton: (host: HTMLElement) => host.remove(),
  };
  signal.addEventListener('abort', () => made.forEach((host) => host.remove()), { once: true });
  let walker: TreeWalker | null = null;
  let texts = 0;
  let decorated = 0;
  let frames = 0;
  /** Containers met so far (a few dozen): each is decorated once. */
  const met = new Set<Element>();
  /** A container the parser may still be adding to: decorated once something follows it. */
  let open: Element | null = null;

  /** The parser is past `el` (something follows it or an ancestor), so all its text is there. */
  const parsed = (el: Element) => {
    for (let n: Node | null = el; n && n !== doc.body; n = n.parentNode)
      if (n.nextSibling) return true;
    return false;
  };

  const decorate = (container: Element) => {
    decorated++;
    if (container.closest(EXCLUDED)) return;
    const existing: HTMLElement[] = [];
    const wanted = scanContainer(container, maker.country, existing);
    if (wanted.length) reconcilePhoneButtons(page, wanted, existing);
  };

  const frame = () => {
    // From DOMContentLoaded on, the decorator's.
    if (signal.aborted || doc.readyState !== 'loading') return;
    if (doc.body) run(scheduler.now() + FRAME_BUDGET_MS);
    if (decorated < EARLY_CONTAINERS && texts < MAX_TEXTS && ++frames < MAX_FRAMES)
      scheduler.frame(frame);
  };

  const run = (deadline: number) => {
    if (open) {
      if (!parsed(open)) return;
      decorate(open);
      open = null;
    }
    walker ??= doc.createTreeWalker(doc.body!, 4 /* NodeFilter.SHOW_TEXT */);
    while (decorated < EARLY_CONTAINERS && texts < MAX_TEXTS) {
      // At the end of what is parsed so far, the walker stays on its last node: next frame goes on.
      const node = walker.nextNode() as Text | null;
      if (!node) return;
      texts++;
      const parent = node.parentElement;
      if (parent && mayHoldNumber(node, parent)) {
        const container = containerOf(node) ?? parent;
        if (!met.has(container)) {
          met.add(container);
          if (!parsed(container)) {
            open = container;
            return;
          }
          decorate(container);
        }
      }
      if ((texts & 63) === 0 && scheduler.now() > deadline) return;
    }
  };

  scheduler.frame(frame);
}
