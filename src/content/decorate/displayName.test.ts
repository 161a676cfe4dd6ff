// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { findDisplayName } from './displayName';

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
});
