// @vitest-environment happy-dom
// Fuzz: random DOM trees, random text and random mutations. The decorator must not throw, must
// settle (no endless work), and must leave the page's own nodes exactly as the page made them.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { findPhoneNumbers } from '../../detect/findPhoneNumbers';
import { startDecorating } from './index';
import { decorateForTest, manualScheduler } from './testing';
import { targetToUri } from '../../contract/target';

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const PIECES = [
  '(415) 555-2671',
  '+44 20 7946 0958',
  '415.555.2672 x12',
  '2024-03-15',
  '$1,234.56',
  '192.168.1.1',
  'Order #4155552671',
  '０３－１２３４－５６７８',
  '+1',
  ' 415 555 2673',
  'ext. 9',
  '12:30',
  '42%',
  'Jane Doe',
  ' ',
  '\n',
  '-',
  '.',
  '/',
  '(',
  ')',
  '#',
  '+',
  'x',
  '7',
  '0',
  '00',
  '011',
  '\u00a0',
  '内線',
  'é',
  '🙂',
  '\u200b',
  'v1.2.3',
  '94105-1234',
  'tel:+14155552671',
];
const TAGS = [
  'div',
  'span',
  'p',
  'td',
  'tr',
  'table',
  'tbody',
  'li',
  'ul',
  'b',
  'i',
  'a',
  'em',
  'strong',
  'label',
  'button',
  'code',
  'pre',
  'textarea',
  'input',
  'script',
  'style',
  'lightning-formatted-phone',
  'section',
  'br',
  'svg',
  'select',
  'h1',
  'small',
  'sup',
];

function randomText(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    s +=
      (r() < 0.6 ? ' ' : '') +
      (r() < 0.7
        ? PIECES[Math.floor(r() * PIECES.length)]!
        : String.fromCharCode(32 + Math.floor(r() * 0x3000)));
  }
  return s;
}

function randomElement(doc: Document, r: () => number, depth: number): Element {
  const tag = TAGS[Math.floor(r() * TAGS.length)]!;
  const el = doc.createElement(tag);
  const roll = r();
  if (tag === 'a')
    el.setAttribute('href', r() < 0.5 ? 'tel:+14155552671' : r() < 0.5 ? 'sip:x@y' : '#');
  if (roll < 0.05) el.setAttribute('hidden', '');
  else if (roll < 0.1) el.setAttribute('aria-hidden', 'true');
  else if (roll < 0.13) el.setAttribute('contenteditable', 'true');
  else if (roll < 0.16) el.setAttribute('data-c2c-ignore', '');
  else if (roll < 0.2) el.setAttribute('data-cuid', r() < 0.5 ? 'user_1' : 'bad id');
  if (tag === 'input' || tag === 'br') return el;
  const children = depth > 4 ? 0 : Math.floor(r() * 4);
  for (let i = 0; i < children; i++) {
    el.append(r() < 0.5 ? doc.createTextNode(randomText(r)) : randomElement(doc, r, depth + 1));
  }
  return el;
}

function targetsIn(root: Element): string[] {
  return Array.from(root.querySelectorAll('c2c-call')).map(
    (h) => `${h.getAttribute('data-c2c-target')} after ${h.previousSibling?.nodeName}`,
  );
}

/** The page's nodes as markup, ignoring our buttons. */
function pageMarkup(root: Element): string {
  const clone = root.cloneNode(true) as Element;
  clone.querySelectorAll('c2c-call').forEach((h) => h.remove());
  return clone.innerHTML;
}

/** All nodes of the reference tree, and the same node in the decorated tree (skipping our buttons). */
function nodesOf(root: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1 && (c as Element).localName === 'c2c-call') continue;
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function mutate(r: () => number, ref: Element, live: Element) {
  const refNodes = nodesOf(ref);
  const liveNodes = nodesOf(live);
  expect(liveNodes.length).toBe(refNodes.length);
  if (!refNodes.length) {
    const el = randomElement(document, rng(Math.floor(r() * 1e9)), 0);
    ref.append(el.cloneNode(true));
    live.append(el);
    return;
  }
  const i = Math.floor(r() * refNodes.length);
  const [a, b] = [refNodes[i]!, liveNodes[i]!];
  const kind = Math.floor(r() * 6);
  const seed = Math.floor(r() * 1e9);
  if (kind === 0 && a.nodeType === 3) {
    const text = randomText(rng(seed));
    a.nodeValue = text;
    b.nodeValue = text;
  } else if (kind === 1 && a.parentNode && b.parentNode) {
    a.parentNode.removeChild(a);
    b.parentNode.removeChild(b);
  } else if (kind === 2 && a.nodeType === 1) {
    const el = randomElement(document, rng(seed), 2);
    (a as Element).append(el.cloneNode(true));
    (b as Element).append(el);
  } else if (kind === 3 && a.nodeType === 1) {
    const text = randomText(rng(seed));
    (a as Element).textContent = text;
    (b as Element).textContent = text;
  } else if (kind === 4 && a.nodeType === 1) {
    const name = ['hidden', 'aria-hidden', 'data-c2c-ignore', 'href', 'data-cuid'][seed % 5]!;
    if ((a as Element).hasAttribute(name)) {
      (a as Element).removeAttribute(name);
      (b as Element).removeAttribute(name);
    } else {
      const value = name === 'href' ? 'tel:+442079460958' : name === 'aria-hidden' ? 'true' : 'u2';
      (a as Element).setAttribute(name, value);
      (b as Element).setAttribute(name, value);
    }
  } else if (kind === 5 && a.parentNode && b.parentNode && a.parentNode.firstChild !== a) {
    // Move a node to the front of its parent (a reorder, as list re-renders do).
    a.parentNode.insertBefore(a, a.parentNode.firstChild);
    b.parentNode.insertBefore(b, b.parentNode.firstChild);
  }
}

async function settle(flush: () => void, pending: () => number) {
  for (let i = 0; i < 3; i++) {
    await Promise.resolve();
    await new Promise((res) => setTimeout(res, 0));
    flush();
  }
  expect(pending()).toBe(0);
}

// However a cell's text is cut into nodes (inline elements and `<wbr>`, as CRMs wrap highlights,
// formatting or search hits; adjacent text nodes and comments, as React and Vue write
// `({area}) {prefix}-{line}`), the buttons are the numbers the finder reads in the cell's text.
const TEXTS = [
  'Call (415) 555-2671 today',
  '+1 415 555 2671',
  '415.555.2672 x12',
  'Tel ４１５－５５５－２６７１ 内線 12',
  '+\u0669\u0667\u0661 \u0665\u0660 \u0661\u0662\u0663 \u0664\u0665\u0666\u0667',
  '+\u06f9\u06f8 \u06f9\u06f1\u06f2 \u06f3\u06f4\u06f5 \u06f6\u06f7\u06f8\u06f9',
  '+44 20 7946 0958 / +33 1 42 68 53 00',
  'Order #4155552671, 2024-03-15, $4155552671',
  '651-234-2345/332-445-1234',
  'Phone: 415-555-2671/Fax: 650-253-0000',
  '(212) 555 0199 ext. 7',
  '+81 3-1234-5678',
];
const INLINE_TAGS = ['span', 'b', 'i', 'em', 'strong', 'small', 'mark', 'font'];

/** `text` in a cell, cut at random points: each piece bare, after a comment or `<wbr>`, or in an inline element. */
function splitCell(r: () => number, text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  const cuts = new Set<number>();
  const n = 1 + Math.floor(r() * 10);
  for (let i = 0; i < n; i++) cuts.add(Math.floor(r() * text.length));
  const at = [0, ...[...cuts].sort((a, b) => a - b), text.length];
  for (let i = 0; i + 1 < at.length; i++) {
    const piece = text.slice(at[i], at[i + 1]);
    if (!piece) continue;
    const roll = r();
    if (roll < 0.3) td.append(piece);
    else if (roll < 0.42) td.append(document.createComment(''), piece);
    else if (roll < 0.5) td.append(document.createElement('wbr'), piece);
    else {
      const el = document.createElement(INLINE_TAGS[Math.floor(r() * INLINE_TAGS.length)]!);
      el.textContent = piece;
      td.append(el);
    }
  }
  return td;
}

let fuzzButtons = 0;

describe('fuzz', () => {
  afterAll(() => {
    // The trees must actually exercise decoration, not only the empty case.
    expect(fuzzButtons).toBeGreaterThan(100);
  });

  it('random text: no exception, ordered in-bounds matches, E.164 targets', () => {
    const r = rng(1);
    for (let k = 0; k < 3000; k++) {
      const text = randomText(r) + randomText(r);
      const matches = findPhoneNumbers(text, ['US', 'GB', 'JP', 'DE', 'FR'][k % 5]!);
      let last = 0;
      for (const m of matches) {
        expect(m.start).toBeGreaterThanOrEqual(last);
        expect(m.end).toBeGreaterThan(m.start);
        expect(m.end).toBeLessThanOrEqual(text.length);
        expect(m.target.e164).toMatch(/^\+[1-9]\d{6,14}$/);
        last = m.end;
      }
    }
  });

  it('a number cut into text nodes, comments and inline elements: the buttons the finder reads in the whole text', () => {
    const r = rng(4242);
    for (let k = 0; k < 600; k++) {
      const text = TEXTS[k % TEXTS.length]!;
      document.body.innerHTML = '';
      const table = document.createElement('table');
      const td = splitCell(r, text);
      table.append(document.createElement('tr'));
      table.rows[0]!.append(td);
      document.body.append(table);
      const scheduler = manualScheduler();
      const controller = new AbortController();
      decorateForTest(scheduler, { signal: controller.signal });
      scheduler.flush();
      const found = Array.from(td.querySelectorAll('c2c-call')).map((h) =>
        h.getAttribute('data-c2c-target'),
      );
      const expected = findPhoneNumbers(text, 'US').map((m) => targetToUri(m.target));
      expect(found, td.innerHTML).toEqual(expected);
      controller.abort();
    }
  });

  it.each(Array.from({ length: 25 }, (_, i) => i + 1))(
    'random tree and mutations, seed %i',
    async (seed) => {
      const r = rng(seed * 7919);
      document.body.innerHTML = '';
      const live = document.createElement('main');
      for (let i = 0; i < 6; i++) live.append(randomElement(document, r, 0));
      const ref = live.cloneNode(true) as Element;
      document.body.append(live);
      const scheduler = manualScheduler();
      const controller = new AbortController();
      startDecorating({
        document,
        settings: { ...DEFAULT_SETTINGS, defaultCountry: 'US' },
        signal: controller.signal,
        onCall: () => undefined,
        scheduler,
        visibleFirst: false,
      });
      await settle(scheduler.flush, scheduler.pending);
      expect(pageMarkup(live)).toBe(ref.innerHTML);
      let buttons = 0;
      for (let step = 0; step < 15; step++) {
        mutate(r, ref, live);
        await settle(scheduler.flush, scheduler.pending);
        expect(pageMarkup(live)).toBe(ref.innerHTML);
        // Buttons only ever sit where text was searched: never inside excluded subtrees.
        for (const host of Array.from(live.querySelectorAll('c2c-call'))) {
          expect(
            host.parentElement?.closest(
              'textarea, script, style, code, pre, [hidden], [aria-hidden="true"], [data-c2c-ignore]',
            ),
          ).toBeNull();
          expect(host.getAttribute('data-c2c-target')).toMatch(
            /^(tel:\+\d+(;ext=\d+)?|contact:.+)$/,
          );
          buttons++;
        }
      }
      fuzzButtons += buttons;
      const incremental = targetsIn(live);
      controller.abort();
      expect(live.querySelectorAll('c2c-call')).toHaveLength(0);
      expect(live.innerHTML).toBe(ref.innerHTML);
      // Following the mutations must give the same buttons as decorating the final page afresh.
      const fresh = new AbortController();
      const scheduler2 = manualScheduler();
      startDecorating({
        document,
        settings: { ...DEFAULT_SETTINGS, defaultCountry: 'US' },
        signal: fresh.signal,
        onCall: () => undefined,
        scheduler: scheduler2,
        visibleFirst: false,
      });
      scheduler2.flush();
      expect(targetsIn(live)).toEqual(incremental);
      fresh.abort();
    },
  );
});
