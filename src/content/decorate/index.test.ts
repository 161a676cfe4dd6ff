// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../settings/schema';
import { startDecorating } from './index';
import { manualScheduler } from './testing';
import { innerButtonOf } from './callButton';

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
    ['<p>Call\n  (415)\n  555-2671\n</p>', ['tel:+14155552671']],
    ['<p>Fax 415 555 2671<br>2024</p>', ['tel:+14155552671']],
    ['<p>+1<br>415 555 2671</p>', ['tel:+14155552671']],
    ['<p>Tel. +1 415-555-<wbr>2671</p>', ['tel:+14155552671']],
    // Split by a framework's comments (Vue, Angular, React's server markup), no piece with 7 digits.
    ['<p>(415<!---->) 555<!---->-<!---->2671</p>', ['tel:+14155552671']],
    // Arabic-Indic and Extended Arabic-Indic (Persian) digits, whole or split, in inline elements.
    [
      '<td><span>+\u0669\u0667\u0661 \u0665\u0660 \u0661\u0662\u0663 \u0664\u0665\u0666\u0667</span></td>',
      ['tel:+971501234567'],
    ],
    [
      '<td><b>+\u06f9\u06f8</b> <b>\u06f9\u06f1\u06f2 \u06f3\u06f4\u06f5 \u06f6\u06f7\u06f8\u06f9</b></td>',
      ['tel:+989123456789'],
    ],
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

describe('startDecorating: the button', () => {
  it('is a focusable button named with the formatted number, the title shows it', () => {
    setup('<p>(415) 555-2671 x12</p>');
    const host = document.querySelector('c2c-call')!;
    const button = innerButtonOf(host)!;
    expect(button.localName).toBe('button');
    expect(button.getAttribute('type')).toBe('button');
    expect(button.tabIndex).toBe(0);
    expect(button.getAttribute('aria-label')).toBe('Call +1 415 555 2671 ext. 12');
    expect(button.title).toBe('+1 415 555 2671 ext. 12');
  });

  it('uses the translated label it is given', () => {
    document.body.innerHTML = '<p>+81 3-1234-5678</p>';
    const scheduler = manualScheduler();
    startDecorating({
      document,
      settings,
      signal: new AbortController().signal,
      onCall: () => undefined,
      labels: { call: (n) => `${n} に発信` },
      scheduler,
      visibleFirst: false,
    });
    scheduler.flush();
    const button = innerButtonOf(document.querySelector('c2c-call')!)!;
    expect(button.getAttribute('aria-label')).toBe('+81 3 1234 5678 に発信');
  });

  it('names a contact button after the contact', () => {
    setup('<a href="/x" data-cuid="u-7">Jane Doe</a>');
    const button = innerButtonOf(document.querySelector('c2c-call')!)!;
    expect(button.getAttribute('aria-label')).toBe('Call Jane Doe');
  });
});

describe('startDecorating: live changes', () => {
  it('removes and restores buttons when a subtree is opted out and back in', async () => {
    const t = setup('<div id="box"><p>(415) 555-2671</p></div>');
    const box = document.getElementById('box')!;
    box.setAttribute('data-c2c-ignore', '');
    await t.settle();
    expect(targets()).toEqual([]);
    box.removeAttribute('data-c2c-ignore');
    await t.settle();
    expect(targets()).toEqual(['tel:+14155552671']);
    box.setAttribute('aria-hidden', 'true');
    await t.settle();
    expect(targets()).toEqual([]);
  });

  it('follows a call link whose href changes', async () => {
    const t = setup('<p><a id="l" href="tel:+14155552671">office</a></p>');
    document.getElementById('l')!.setAttribute('href', 'tel:+442079460958');
    await t.settle();
    expect(targets()).toEqual(['tel:+442079460958']);
    document.getElementById('l')!.setAttribute('href', 'https://example.com');
    await t.settle();
    expect(targets()).toEqual([]);
  });

  it('follows contact ids that change or disappear', async () => {
    const t = setup('<ul><li><span id="c" data-cuid="u-1">Jane</span></li></ul>');
    expect(targets()).toEqual(['contact:u-1']);
    document.getElementById('c')!.setAttribute('data-cuid', 'u-2');
    await t.settle();
    expect(targets()).toEqual(['contact:u-2']);
    document.getElementById('c')!.remove();
    await t.settle();
    expect(targets()).toEqual([]);
  });

  it('puts a button back when a re-render wipes it (React textContent), once per change', async () => {
    const t = setup('<table><tr><td id="cell">(415) 555-2671</td></tr></table>');
    const cell = document.getElementById('cell')!;
    cell.textContent = '(415) 555-2672';
    await t.settle();
    expect(targets()).toEqual(['tel:+14155552672']);
    cell.querySelector('c2c-call')!.remove();
    await t.settle();
    expect(targets()).toEqual(['tel:+14155552672']);
  });

  it('follows a SPA navigation that replaces the page', async () => {
    const t = setup('<main><p>(415) 555-2671</p></main>');
    const rows = Array.from(
      { length: 300 },
      (_, i) => `<li>Row ${i}: 212-555-${String(1000 + i)}</li>`,
    );
    document.querySelector('main')!.innerHTML = `<ul>${rows.join('')}</ul>`;
    await t.settle();
    expect(targets()).toHaveLength(300);
    expect(targets()[299]).toBe('tel:+12125551299');
  });

  it('splits a number across inline elements of one cell but not across cells', () => {
    setup(
      '<table><tr><td>+49</td><td>30 901820</td></tr><tr><td><b>+1</b> <i>(415)</i> 555-2672</td></tr></table>',
    );
    expect(targets()).toEqual(['tel:+14155552672']);
  });

  it('ignores our own call bar and UI', () => {
    setup('<c2c-call-bar>(415) 555-2671</c2c-call-bar><div data-c2c-ui>(415) 555-2672</div>');
    expect(targets()).toEqual([]);
  });
});

describe('buttons of an earlier instance', () => {
  // A dead host: our tag, none of our state (its instance went with a reload of the extension).
  const deadHost = '<c2c-call data-c2c-target="tel:+14155550000"></c2c-call>';

  it('removes them when started on a page already open', () => {
    setup(`<p>(415) 555-2671${deadHost}</p>`);
    expect(targets()).toEqual(['tel:+14155552671']);
  });

  it('does not search the whole page for them when started while it was loading', () => {
    document.body.innerHTML = '<p>(415) 555-2671</p>';
    const state = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    const queried: string[] = [];
    const original = document.querySelectorAll.bind(document);
    const query = vi.spyOn(document, 'querySelectorAll').mockImplementation(((selector: string) => {
      queried.push(selector);
      return original(selector);
    }) as typeof document.querySelectorAll);
    const scheduler = manualScheduler();
    try {
      startDecorating({
        document,
        settings,
        signal: new AbortController().signal,
        onCall: vi.fn(),
        scheduler,
        visibleFirst: false,
      });
      state.mockReturnValue('interactive');
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(targets()).toEqual(['tel:+14155552671']);
      expect(queried).not.toContain('c2c-call');
    } finally {
      query.mockRestore();
      state.mockRestore();
    }
  });
});
