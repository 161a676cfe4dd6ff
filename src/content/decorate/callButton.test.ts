// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createButtonFactory, followsAnchor, infoOf } from './callButton';
import { stillWritten } from './containers';

const written = (anchor: Node, uri: string) => stillWritten(anchor, uri, 'US');

function button(html: string, anchorOf: (doc: Document) => Node) {
  document.body.innerHTML = html;
  const activate = vi.fn();
  const factory = createButtonFactory(document, (f) => `Call ${f}`, activate, written);
  const anchor = anchorOf(document);
  const host = factory.create({
    target: { kind: 'phone', e164: '+14155552671' },
    anchor,
    kind: 'phone',
    formatted: '+1 415 555 2671',
  });
  anchor.parentNode!.insertBefore(host, anchor.nextSibling);
  return { host, info: infoOf(host)!, activate };
}

describe('followsAnchor: a button counts only next to the text it was made for', () => {
  it('holds right after its anchor, and behind other buttons on the same text', () => {
    const { host, info } = button(
      '<p id="p">+1 415 555 2671</p>',
      (d) => d.getElementById('p')!.firstChild!,
    );
    expect(followsAnchor(host, info, written)).toBe(true);
    const sibling = document.createElement('c2c-call');
    host.before(sibling);
    expect(followsAnchor(host, info, written)).toBe(true);
  });

  it('fails once the page moves it next to another number, edits the text or removes it', () => {
    const { host, info } = button(
      '<p id="a">+1 415 555 2671</p><p id="b"><a href="tel:4155550134">(415) 555-0134</a></p>',
      (d) => d.getElementById('a')!.firstChild!,
    );
    document.querySelector('a')!.after(host);
    expect(followsAnchor(host, info, written)).toBe(false);
    document.getElementById('a')!.append(host);
    expect(followsAnchor(host, info, written)).toBe(true);
    (info.anchor as Text).data = '+1 415 555 2672';
    expect(followsAnchor(host, info, written)).toBe(false);
    (info.anchor as Text).data = '+1 415 555 2671';
    (info.anchor as Text).remove();
    expect(followsAnchor(host, info, written)).toBe(false);
  });

  it('reads the number again: a changed digit anywhere in it fails, other words around it do not', () => {
    // The number spans three text nodes; the button follows the last one.
    const { host, info } = button(
      '<p id="p">Tel: +1 415 <b>555</b> 2671</p>',
      (d) => d.getElementById('p')!.lastChild!,
    );
    expect(followsAnchor(host, info, written)).toBe(true);
    const first = document.getElementById('p')!.firstChild as Text;
    first.data = 'Mobile: +1 415 ';
    expect(followsAnchor(host, info, written)).toBe(true);
    document.querySelector('b')!.textContent = '666';
    expect(followsAnchor(host, info, written)).toBe(false);
    document.querySelector('b')!.textContent = '555';
    expect(followsAnchor(host, info, written)).toBe(true);
    first.data = 'Tel: +44 415 ';
    expect(followsAnchor(host, info, written)).toBe(false);
  });

  it('a call link fails once its text shows another number, or its href dials another', () => {
    const { host, info } = button(
      '<p><a id="a" href="tel:+14155552671">(415) 555-2671</a></p>',
      (d) => d.getElementById('a')!,
    );
    const link = info.anchor as HTMLAnchorElement;
    expect(followsAnchor(host, info, written)).toBe(true);
    link.textContent = '(415) 555-2672';
    expect(followsAnchor(host, info, written)).toBe(false);
    // Text with no number: the link still says what it dials in its href.
    link.textContent = 'Call the office';
    expect(followsAnchor(host, info, written)).toBe(true);
    link.href = 'tel:+14155552672';
    expect(followsAnchor(host, info, written)).toBe(false);
  });
});
