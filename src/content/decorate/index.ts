// The page decorator: the button features over one shared observer and scheduler (page.ts).
import * as contactButtons from '../features/contactButtons';
import * as learnContacts from '../features/learnContacts';
import * as phoneButtons from '../features/phoneButtons';
import { startEarlyTop } from '../features/earlyTop';
import { createButtonMaker, createPage, whenParsed, type Feature, type PageOptions } from './page';
import { browserScheduler } from './scheduler';

export { HOST_TAG, TARGET_ATTRIBUTE, type HostInfo } from './callButton';
export type { Scheduler } from './scheduler';
export type { Feature, Page, PageOptions as DecorateOptions } from './page';

/** Each shared task runs their work in this order. */
/** learnContacts reads the buttons the others made, later, in idle time (never in their tasks). */
export const DECORATING_FEATURES: readonly Feature[] = [
  contactButtons,
  phoneButtons,
  learnContacts,
];

/**
 * Starts every decorating feature once the document is parsed; all stop when `signal` aborts. While
 * it is still loading, the top of the page gets its buttons as it is parsed (features/earlyTop.ts).
 */
export function startDecorating(opts: PageOptions): void {
  const doc = opts.document ?? document;
  const maker = createButtonMaker(opts);
  if (!maker) return;
  startEarlyTop(maker, opts.scheduler ?? browserScheduler(maker.win), opts.signal);
  whenParsed(doc, opts.signal, (late) => {
    const page = createPage(opts, late, maker);
    if (page) for (const feature of DECORATING_FEATURES) feature.init(opts.signal, page);
  });
}
