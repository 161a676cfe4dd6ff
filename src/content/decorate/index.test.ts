// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../settings/schema';
import { startDecorating } from './index';
import { manualScheduler } from './testing';

const settings: Settings = { ...DEFAULT_SETTINGS, defaultCountry: 'US' };

async function settle(flush: () => void) {
  // MutationObserver callbacks are microtasks; let them run, then run the queued frames.
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    flush();
  }
}

function setup(html: string, extra: Partial<Settings> = {}) {
  document.body.innerHTML = html;
  const controller = new AbortController();
  const scheduler = manualScheduler();
  const onCall = vi.fn();
  startDecorating({
    document,
    settings: { ...settings, ...extra },
    signal: controller.signal,
    onCall,
    scheduler,
    visibleFirst: false,
  });
  scheduler.flush();
  return { controller, scheduler, onCall, settle: () => settle(scheduler.flush) };
}

const targets = () =>
  Array.from(document.querySelectorAll('[data-c2c-target]')).map((el) =>
    el.getAttribute('data-c2c-target'),
  );

afterEach(() => {
  document.body.innerHTML = '';
});

describe('startDecorating', () => {
  it.each([
    ['<p>Call (415) 555-2671 today</p>', ['tel:+14155552671']],
    ['<p><a href="tel:+1-415-555-2671">office</a></p>', ['tel:+14155552671']],
    [
      '<p><a href="tel:+14155552671;ext=12">(415) 555-2671 x12</a></p>',
      ['tel:+14155552671;ext=12'],
    ],
    [
      '<p><a href="callto://+442079460958">x</a> <a href="sip:+442079460958@pbx.example">y</a></p>',
      ['tel:+442079460958', 'tel:+442079460958'],
    ],
    ['<td><span>+1</span> <span>415 555 2671</span></td>', ['tel:+14155552671']],
    ['<p>Order #4155552671, 2024-03-15, $4155552671</p>', []],
    ['<textarea>(415) 555-2671</textarea><input value="(415) 555-2671">', []],
    ['<pre>(415) 555-2671</pre><code>(415) 555-2671</code><script>"(415) 555-2671"</script>', []],
    ['<div hidden>(415) 555-2671</div><div aria-hidden="true">(415) 555-2671</div>', []],
    ['<div contenteditable>(415) 555-2671</div>', []],
    [
      '<div data-c2c-ignore>(415) 555-2671</div><div class="x c2c-ignore"><b>(415) 555-2671</b></div>',
      [],
    ],
    ['<svg><text>(415) 555-2671</text></svg>', []],
    ['<p>Tel ４１５－５５５－２６７１ 内線 12</p>', ['tel:+14155552671;ext=12']],
    ['<span data-cuid="agent_42">Jane</span>', ['contact:agent_42']],
  ])('%s', (html, expected) => {
    setup(html);
    expect(targets()).toEqual(expected);
  });

  it('inserts after the text, leaving the page nodes untouched', () => {
    setup('<p id="p">Call <b>(415) 555-2671</b> now</p>');
    const p = document.getElementById('p')!;
    expect(p.textContent).toBe('Call (415) 555-2671 now');
    const host = p.querySelector('c2c-call')!;
    expect(host.previousSibling?.textContent).toBe('(415) 555-2671');
    expect(host.parentElement?.localName).toBe('b');
  });

  it('calls onCall only for trusted clicks', () => {
    const { onCall } = setup('<table><tr><td>Jane Doe</td><td>(415) 555-2671</td></tr></table>');
    const host = document.querySelector('c2c-call') as HTMLElement;
    host.click();
    host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    expect(onCall).not.toHaveBeenCalled();
  });

  it('follows text changes, removals and additions', async () => {
    const t = setup('<ul><li id="a">(415) 555-2671</li></ul>');
    expect(targets()).toEqual(['tel:+14155552671']);
    document.getElementById('a')!.firstChild!.nodeValue = '(415) 555-2672';
    await t.settle();
    expect(targets()).toEqual(['tel:+14155552672']);
    const li = document.createElement('li');
    li.textContent = '+44 20 7946 0958';
    document.querySelector('ul')!.append(li);
    await t.settle();
    expect(targets()).toEqual(['tel:+14155552672', 'tel:+442079460958']);
    document.getElementById('a')!.firstChild!.remove();
    await t.settle();
    expect(targets()).toEqual(['tel:+442079460958']);
  });

  it('removes every button when aborted', async () => {
    const t = setup('<p>(415) 555-2671</p>');
    expect(targets()).toHaveLength(1);
    t.controller.abort();
    expect(targets()).toHaveLength(0);
    document.body.insertAdjacentHTML('beforeend', '<p>(415) 555-2672</p>');
    await t.settle();
    expect(targets()).toHaveLength(0);
  });
});
