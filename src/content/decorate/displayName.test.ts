// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { findDisplayName, type RowCells } from './displayName';

describe('findDisplayName', () => {
  it.each([
    [
      'row header cell',
      '<table><tr><td><input type="checkbox"></td><th scope="row">Jane Doe</th><td id="t">(415) 555-2671</td></tr></table>',
      'Jane Doe',
    ],
    [
      'first name-like cell',
      '<table><tr><td>1</td><td>jane@example.com</td><td>Jane Doe</td><td id="t">(415) 555-2671</td></tr></table>',
      'Jane Doe',
    ],
    [
      'ARIA grid',
      '<div role="row"><div role="gridcell"><a>Max Mustermann</a></div><div role="gridcell" id="t">030 901820</div></div>',
      'Max Mustermann',
    ],
    [
      'record page heading',
      '<section><h1>Acme Corp — Jane Doe</h1><div><dl><dt>Phone</dt><dd id="t">(415) 555-2671</dd></dl></div></section>',
      'Acme Corp — Jane Doe',
    ],
    ['nothing name-like', '<div><p id="t">(415) 555-2671</p></div>', undefined],
  ])('%s', (_name, html, expected) => {
    document.body.innerHTML = html;
    expect(findDisplayName(document.getElementById('t')!)).toBe(expected);
  });

  it('gives each button of a row its own answer when the row is read once for all', () => {
    document.body.innerHTML =
      '<table><tr><th scope="row" id="a">Jane Doe</th><td>Acme Corp</td><td id="b">(415) 555-2671</td></tr></table>';
    const rows: RowCells = new Map();
    const a = document.getElementById('a')!;
    const b = document.getElementById('b')!;
    // The name cell itself is never its own button's name: the next name-like cell is.
    expect(findDisplayName(a, rows)).toBe('Acme Corp');
    expect(findDisplayName(b, rows)).toBe('Jane Doe');
    expect(rows.size).toBe(1);
    expect([findDisplayName(a), findDisplayName(b)]).toEqual(['Acme Corp', 'Jane Doe']);
  });

  describe('in web components (open shadow roots)', () => {
    const shadow = (host: Element, html: string) => {
      host.attachShadow({ mode: 'open' }).innerHTML = html;
      return host.shadowRoot!;
    };

    it('a row component that renders its cells in its own root', () => {
      document.body.innerHTML = '<div role="row" id="row"></div>';
      const root = shadow(
        document.getElementById('row')!,
        '<div role="gridcell">Jane Doe</div><div role="gridcell"><span id="t">(415) 555-2671</span></div>',
      );
      expect(findDisplayName(root.getElementById('t')!)).toBe('Jane Doe');
    });

    it('cells that are components, the number in one of their roots', () => {
      document.body.innerHTML =
        '<div role="row"><c-cell role="gridcell" id="a"></c-cell><c-cell role="gridcell" id="b"></c-cell></div>';
      shadow(document.getElementById('a')!, '<b>Max Mustermann</b>');
      const b = shadow(document.getElementById('b')!, '<span id="t">030 901820</span>');
      expect(findDisplayName(b.getElementById('t')!)).toBe('Max Mustermann');
    });

    it("a record's heading in the component around the field's", () => {
      document.body.innerHTML = '<article id="record"></article>';
      const record = shadow(
        document.getElementById('record')!,
        '<h2>Acme Corp — Jane Doe</h2><div><c-field id="f"></c-field></div>',
      );
      const field = shadow(record.getElementById('f')!, '<p id="t">(415) 555-2671</p>');
      expect(findDisplayName(field.getElementById('t')!)).toBe('Acme Corp — Jane Doe');
    });
  });

  it("names a frame's number with no name there from the page around the frame", () => {
    // The page: a record heading around the frame element. happy-dom loads no frames: the window
    // this test runs in stands for the frame, and its frameElement (a div) for the parent's iframe.
    const parent = document.implementation.createHTMLDocument('Account');
    parent.body.innerHTML =
      '<main><section><h2>Acme Corp</h2><div><div id="f"></div></div></section></main>';
    const frameElement = parent.getElementById('f')!;
    Object.defineProperty(window, 'frameElement', { configurable: true, get: () => frameElement });
    try {
      document.body.innerHTML = '<div><p id="t">Main line (415) 555-2671</p></div>';
      expect(findDisplayName(document.getElementById('t')!)).toBe('Acme Corp');
      // A name in the frame itself still comes first.
      document.body.innerHTML =
        '<table><tr><th scope="row">Jane Doe</th><td id="t">(415) 555-2671</td></tr></table>';
      expect(findDisplayName(document.getElementById('t')!)).toBe('Jane Doe');
    } finally {
      delete (window as { frameElement?: unknown }).frameElement;
      document.body.innerHTML = '';
    }
  });
});
