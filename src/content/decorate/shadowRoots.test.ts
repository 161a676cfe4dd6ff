// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../settings/schema';
import { startDecorating } from './index';
import { manualScheduler } from './testing';
import { createSubtreeWalk } from './subtreeWalk';
import { createPhoneSearch } from '../features/phoneSearch';
import { createShadowRoots } from './shadowRoots';
import { resetClosedRootReader } from '../tree';

const settings: Settings = { ...DEFAULT_SETTINGS, defaultCountry: 'US' };

/** Lets MutationObserver callbacks (microtasks) and timers run, then the queued frames. */
async function settle(flush: () => void, wait = 0) {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, wait));
    flush();
  }
}

/** A component: an element with an open shadow root holding `html`. */
function component(html: string, tag = 'div'): HTMLElement {
  const host = document.createElement(tag);
  host.attachShadow({ mode: 'open' }).innerHTML = html;
  return host;
}

/** Every button's target in `root` and the open shadow roots inside it, in tree order. */
function targetsIn(root: ParentNode): (string | null)[] {
  const out: (string | null)[] = [];
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el.hasAttribute('data-c2c-target')) out.push(el.getAttribute('data-c2c-target'));
    if (el.shadowRoot) out.push(...targetsIn(el.shadowRoot));
  }
  return out;
}

const running: AbortController[] = [];

function start(extra: Partial<Settings> = {}) {
  const controller = new AbortController();
  running.push(controller);
  const scheduler = manualScheduler();
  startDecorating({
    document,
    settings: { ...settings, ...extra },
    signal: controller.signal,
    onCall: vi.fn(),
    scheduler,
    visibleFirst: false,
  });
  scheduler.flush();
  return { controller, settle: (wait = 0) => settle(scheduler.flush, wait) };
}

afterEach(() => {
  for (const c of running.splice(0)) c.abort();
  document.body.innerHTML = '';
  document.body.removeAttribute('data-c2c-ignore');
});

describe("numbers in the page's web components (open shadow roots)", () => {
  it('decorates a component on the page, and one inside another', async () => {
    const outer = component('<p>Main (415) 555-2671</p><section id="slot"></section>');
    outer.shadowRoot!.getElementById('slot')!.append(component('<p>Mobile +44 20 7946 0958</p>'));
    document.body.append(outer);
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+14155552671', 'tel:+442079460958']);
    // The buttons are in the components' roots, next to the numbers.
    expect(outer.shadowRoot!.querySelector('p')!.lastElementChild?.localName).toBe('c2c-call');
  });

  it("reads a component's own text, at the top of its root, as its host's content", async () => {
    const cell = document.createElement('td');
    cell.append(component('(415) 555-2671', 'x-phone'));
    const split = component('(650) <b>253</b>-0000', 'x-phone');
    const para = document.createElement('p');
    para.append('Call ', component('+44 20 7946 0958', 'span'), ' today');
    document.body.append(cell, split, para);
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toEqual([
      'tel:+14155552671',
      'tel:+16502530000',
      'tel:+442079460958',
    ]);
    // The button follows the number in the component's root.
    const root = cell.firstElementChild!.shadowRoot!;
    expect(root.lastChild?.nodeName.toLowerCase()).toBe('c2c-call');
    root.firstChild!.textContent = '(212) 555-0100';
    await page.settle();
    expect(targetsIn(cell)).toEqual(['tel:+12125550100']);
  });

  it('takes a component host for a container only when its root holds a number', () => {
    document.body.append(
      component('<div><p>No number here</p></div>'),
      component('(415) 555-2671'),
    );
    const search = createPhoneSearch(() => undefined);
    const walk = createSubtreeWalk(
      document,
      () => 0,
      () => false,
      { root: (root) => walk.add(root), undefinedElement: () => undefined },
    );
    walk.subscribe(search, new AbortController().signal);
    walk.add(document.body, true);
    walk.run(Infinity);
    expect([...search.take().found]).toEqual([document.body.lastElementChild]);
  });

  it("follows a component's changes: added rows, edited text, removed numbers", async () => {
    const list = component('<ul id="rows"></ul>', 'c2c-test-list');
    document.body.append(list);
    const page = start();
    await page.settle();
    const rows = list.shadowRoot!.getElementById('rows')!;
    rows.innerHTML = '<li>(415) 555-2671</li><li>(650) 253-0000</li>';
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+14155552671', 'tel:+16502530000']);
    rows.firstElementChild!.firstChild!.textContent = '(212) 555-0100';
    rows.lastElementChild!.remove();
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+12125550100']);
  });

  it('decorates a component added later, and its content once it renders', async () => {
    const page = start();
    await page.settle();
    const card = component('<div id="body"></div>');
    document.body.append(card);
    await page.settle();
    card.shadowRoot!.getElementById('body')!.innerHTML = '<p>Call (415) 555-2671</p>';
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+14155552671']);
  });

  it('decorates a custom element whose definition comes after the walk passed it', async () => {
    document.body.innerHTML = '<c2c-late-card></c2c-late-card>';
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toEqual([]);
    // The page's script loads the definition later: the root is attached at upgrade, no mutation.
    customElements.define(
      'c2c-late-card',
      class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML = '<p>Call (415) 555-2671</p>';
        }
      },
    );
    // Checked on a timer (100 ms, then twice as long each time): wait for it, boundedly.
    for (let waited = 0; waited < 5000 && !targetsIn(document).length; waited += 250)
      await page.settle(50);
    expect(targetsIn(document)).toEqual(['tel:+14155552671']);
  });

  it('decorates a whole list of such elements once their tag is defined, the first one gone', async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `<c2c-late-row data-i="${i}"></c2c-late-row>`,
    );
    document.body.innerHTML = `<section>${rows.join('')}</section>`;
    const page = start();
    await page.settle();
    document.querySelector('c2c-late-row')!.remove();
    customElements.define(
      'c2c-late-row',
      class extends HTMLElement {
        constructor() {
          super();
          const i = Number(this.getAttribute('data-i'));
          this.attachShadow({ mode: 'open' }).innerHTML =
            `<p>(415) 555-${String(1000 + i).padStart(4, '0')}</p>`;
        }
      },
    );
    for (let waited = 0; waited < 5000 && targetsIn(document).length < 2999; waited += 250)
      await page.settle(50);
    expect(targetsIn(document)).toHaveLength(2999);
  }, 20_000);

  it("leaves alone what the page excludes, through the component's host", async () => {
    const ignored = document.createElement('div');
    ignored.setAttribute('data-c2c-ignore', '');
    ignored.append(component('<p>(415) 555-2671</p>'));
    const editor = component('<div contenteditable="true"><p>(650) 253-0000</p></div>');
    const shown = component('<p>(212) 555-0100</p>');
    document.body.append(ignored, editor, shown);
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+12125550100']);
    // What the excluded component renders later is still excluded.
    ignored.firstElementChild!.shadowRoot!.append(component('<p>(646) 555-0199</p>'));
    ignored.firstElementChild!.shadowRoot!.querySelector('p')!.append(' or (917) 555-0123');
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+12125550100']);
    // Excluding a component's ancestor later removes the buttons inside it.
    document.body.setAttribute('data-c2c-ignore', '');
    await page.settle();
    expect(targetsIn(document)).toEqual([]);
  });

  it('removes the buttons of nested components when their ancestor is excluded', async () => {
    const wrapper = document.createElement('section');
    const outer = component('<p>(415) 555-2671</p><div id="inner"></div>');
    outer.shadowRoot!.getElementById('inner')!.append(component('<p>(650) 253-0000</p>'));
    wrapper.append(outer);
    document.body.append(wrapper, component('<p>(212) 555-0100</p>'));
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toHaveLength(3);
    wrapper.setAttribute('hidden', '');
    await page.settle();
    expect(targetsIn(document)).toEqual(['tel:+12125550100']);
  });

  it("removes the buttons in components' roots when decorating stops", async () => {
    document.body.append(component('<p>(415) 555-2671</p>'));
    const page = start();
    await page.settle();
    expect(targetsIn(document)).toHaveLength(1);
    page.controller.abort();
    expect(targetsIn(document)).toEqual([]);
  });

  it('finds contact IDs inside components', async () => {
    document.body.append(component('<span data-cuid="u-7">Jane</span>'));
    const page = start({
      contactRules: [
        {
          id: 'cuid',
          label: 'CleverTap',
          selector: '[data-cuid]',
          source: { type: 'attribute', name: 'data-cuid' },
          enabled: true,
        },
      ],
    });
    await page.settle();
    expect(targetsIn(document)).toEqual(['contact:u-7']);
  });

  it('forgets the roots of components the page removed, and follows one again if it comes back', () => {
    const shadows = createShadowRoots(window, new AbortController().signal, () => undefined);
    const make = () => Array.from({ length: 1024 }, () => component(''));
    const gone = make();
    document.body.append(...gone);
    for (const host of gone) shadows.add(host.shadowRoot!);
    for (const host of gone) host.remove();
    const kept = make();
    document.body.append(...kept);
    for (const host of kept) shadows.add(host.shadowRoot!);
    // The list reached its limit with the removed ones in it: they are dropped.
    expect(shadows.all()).toHaveLength(1024);
    expect(shadows.all().every((root) => root.host.isConnected)).toBe(true);
    document.body.append(gone[0]!);
    expect(shadows.add(gone[0]!.shadowRoot!)).toBe(true);
    expect(shadows.add(kept[0]!.shadowRoot!)).toBe(false);
  });
});

describe("numbers in the page's web components with closed shadow roots", () => {
  /** The closed roots the browser would give an extension (chrome.dom.openOrClosedShadowRoot). */
  const closed = new WeakMap<Element, ShadowRoot>();
  const ask = vi.fn((el: HTMLElement) => closed.get(el) ?? null);
  const closedComponent = (html: string, tag: string) => {
    const host = document.createElement(tag);
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = html;
    closed.set(host, root);
    return { host, root };
  };
  afterEach(() => {
    vi.unstubAllGlobals();
    resetClosedRootReader();
    ask.mockClear();
  });

  it("decorates a custom element's closed root, read as the browser lets an extension", async () => {
    vi.stubGlobal('chrome', { dom: { openOrClosedShadowRoot: ask } });
    resetClosedRootReader();
    const row = closedComponent('<p>Main (415) 555-2671</p><x-cell></x-cell>', 'x-row');
    const inner = closedComponent('+44 20 7946 0958', 'x-phone');
    row.root.querySelector('x-cell')!.append(inner.host);
    // A built-in element's closed root is not looked for (the browser would be asked for every
    // element of the page).
    const div = closedComponent('<p>(650) 253-0000</p>', 'div');
    document.body.append(row.host, div.host);
    const page = start();
    await page.settle();
    const targets = (root: ParentNode) =>
      [...root.querySelectorAll('c2c-call')].map((h) => h.getAttribute('data-c2c-target'));
    expect(targets(row.root)).toEqual(['tel:+14155552671']);
    expect(targets(inner.root)).toEqual(['tel:+442079460958']);
    expect(targets(div.root)).toEqual([]);
    expect(ask.mock.calls.map(([el]) => el.localName)).not.toContain('div');
    // Our own buttons' closed roots are never entered.
    expect(ask.mock.calls.map(([el]) => el.localName)).not.toContain('c2c-call');
  });

  it('asks the browser once per name of rootless elements, and for each element of a name with closed roots', async () => {
    vi.stubGlobal('chrome', { dom: { openOrClosedShadowRoot: ask } });
    resetClosedRootReader();
    // happy-dom never matches `:defined`; a browser does once the element is upgraded.
    customElements.define(
      'x-plain',
      class extends HTMLElement {
        override matches(selector: string) {
          return selector === ':defined' || super.matches(selector);
        }
      },
    );
    for (let i = 0; i < 50; i++) {
      const plain = document.createElement('x-plain');
      plain.textContent = `Contact ${i}`;
      document.body.append(plain);
    }
    const phones = [0, 1, 2].map((i) => closedComponent(`(415) 555-267${i}`, 'x-closed-phone'));
    for (const p of phones) document.body.append(p.host);
    const page = start();
    await page.settle();
    const asked = ask.mock.calls.map(([el]) => el.localName);
    expect(asked.filter((n) => n === 'x-plain')).toHaveLength(1);
    expect(asked.filter((n) => n === 'x-closed-phone').length).toBeGreaterThanOrEqual(3);
    expect(
      phones.map((p) => p.root.querySelector('c2c-call')?.getAttribute('data-c2c-target')),
    ).toEqual(['tel:+14155552670', 'tel:+14155552671', 'tel:+14155552672']);
  });

  it('without the browser API (a page script, happy-dom) closed roots stay unread', async () => {
    vi.stubGlobal('chrome', undefined);
    resetClosedRootReader();
    const row = closedComponent('<p>Main (415) 555-2671</p>', 'x-row');
    document.body.append(row.host);
    const page = start();
    await page.settle();
    expect(row.root.querySelector('c2c-call')).toBeNull();
  });
});
