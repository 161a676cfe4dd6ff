// Finds, cheaply, the name shown on the same row or record as a button (for the call bar). A row
// may be a web component: the button, the row and its cells may sit in different shadow roots.
import { parentOrHost, shadowRootOf } from '../tree';
import { closestAcross, shadowIncludingContains } from './shadowRoots';

const CELLS = 'th, td, [role="gridcell"], [role="rowheader"], [role="cell"]';
const ROW = 'tr, [role="row"], li, [role="listitem"]';
const HEADING = 'h1, h2, h3, [role="heading"]';

function clean(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function looksLikeName(text: string): boolean {
  return (
    text.length > 1 &&
    text.length <= 80 &&
    /\p{L}/u.test(text) &&
    !text.includes('@') &&
    !/\d{3}/.test(text) &&
    !/^(?:select|selected|open|edit|delete|actions?|more|show)\b/i.test(text)
  );
}

interface Cell {
  cell: Element;
  header: boolean;
  /** Its cleaned text, read when first needed. */
  text?: string;
}

/** A row's cells with their text, read once for the several buttons of one row (see findDisplayName). */
export type RowCells = Map<Element, Cell[]>;

/** Elements matching `selector` in `el`, and in its own shadow root (a component's). */
function queryAllWithin(el: Element, selector: string): Element[] {
  const found = Array.from(el.querySelectorAll(selector));
  const shadow = shadowRootOf(el);
  return shadow ? found.concat(Array.from(shadow.querySelectorAll(selector))) : found;
}

/** The text an element shows: its own, or a component's, rendered in its shadow root. */
const shownText = (el: Element) =>
  clean(el.textContent) || clean(shadowRootOf(el)?.textContent ?? '');

function cellsOf(row: Element, rows?: RowCells): Cell[] {
  let cells = rows?.get(row);
  if (!cells) {
    cells = queryAllWithin(row, CELLS).map((cell) => ({
      cell,
      header: cell.matches('th, [role="rowheader"]'),
    }));
    rows?.set(row, cells);
  }
  return cells;
}

/**
 * The first name-like cell of the row (row header first), else the record's heading. `rows` lets
 * calls made while the page cannot change (one task) share each row's reading.
 */
export function findDisplayName(element: Element, rows?: RowCells): string | undefined {
  const row = closestAcross(element, ROW);
  if (row) {
    const cells = cellsOf(row, rows).filter((c) => !shadowIncludingContains(c.cell, element));
    const header = cells.filter((c) => c.header);
    for (const c of [...header, ...cells]) {
      c.text ??= shownText(c.cell);
      if (looksLikeName(c.text)) return c.text;
    }
    if (!cells.length) {
      const heading = row.querySelector(`${HEADING}, a, strong, b`);
      const text = clean(heading?.textContent ?? null);
      if (heading && !heading.contains(element) && looksLikeName(text)) return text;
    }
  }
  let node = parentOrHost(element);
  for (let depth = 0; node && depth < 8; depth++, node = parentOrHost(node)) {
    const heading = node.querySelector(HEADING) ?? shadowRootOf(node)?.querySelector(HEADING);
    if (heading) {
      const text = clean(heading.textContent);
      if (looksLikeName(text)) return text;
    }
  }
  const h1 = clean(element.ownerDocument.querySelector('h1')?.textContent ?? null);
  if (looksLikeName(h1)) return h1;
  // A number in one of the page's frames with no name there: the page around the frame names it (a
  // record's heading, the row the frame sits in), as if the frame's content were the page's.
  const frame = frameElementOf(element.ownerDocument);
  return frame ? findDisplayName(frame, rows) : undefined;
}

/** The element framing `doc` in a parent of its origin (null in the top or another origin). */
function frameElementOf(doc: Document): Element | null {
  try {
    return doc.defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}
