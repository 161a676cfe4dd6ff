// The page decorator: the button features over one shared observer and scheduler (page.ts).
import * as contactButtons from '../features/contactButtons';
import * as phoneButtons from '../features/phoneButtons';
import { createPage, whenParsed, type Feature, type PageOptions } from './page';

export { HOST_TAG, TARGET_ATTRIBUTE, type HostInfo } from './callButton';
export type { Scheduler } from './scheduler';
export type { Feature, Page, PageOptions as DecorateOptions } from './page';

/** Each shared task runs their work in this order. */
export const DECORATING_FEATURES: readonly Feature[] = [contactButtons, phoneButtons];

/** Starts every decorating feature once the document is parsed; all stop when `signal` aborts. */
export function startDecorating(opts: PageOptions): void {
  const doc = opts.document ?? document;
  whenParsed(doc, opts.signal, () => {
    const page = createPage(opts);
    if (page) for (const feature of DECORATING_FEATURES) feature.init(opts.signal, page);
  });
}
