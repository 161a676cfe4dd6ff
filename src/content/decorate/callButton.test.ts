// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createButtonFactory, followsAnchor, infoOf } from './callButton';

function button(html: string, anchorOf: (doc: Document) => Node) {
  document.body.innerHTML = html;
  const activate = vi.fn();
  const factory = createButtonFactory(document, (f) => `Call ${f}`, activate);
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
    expect(followsAnchor(host, info)).toBe(true);
    const sibling = document.createElement('c2c-call');
    host.before(sibling);
    expect(followsAnchor(host, info)).toBe(true);
  });

  it('fails once the page moves it next to another number, edits the text or removes it', () => {
    const { host, info } = button(
      '<p id="a">+1 415 555 2671</p><p id="b"><a href="tel:4155550134">(415) 555-0134</a></p>',
      (d) => d.getElementById('a')!.firstChild!,
    );
    document.querySelector('a')!.after(host);
    expect(followsAnchor(host, info)).toBe(false);
    document.getElementById('a')!.append(host);
    expect(followsAnchor(host, info)).toBe(true);
    (info.anchor as Text).data = '+1 415 555 2672';
    expect(followsAnchor(host, info)).toBe(false);
    (info.anchor as Text).data = '+1 415 555 2671';
    (info.anchor as Text).remove();
    expect(followsAnchor(host, info)).toBe(false);
  });
});
