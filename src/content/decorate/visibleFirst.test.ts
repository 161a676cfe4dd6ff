// @vitest-environment happy-dom
// The large-page path: on-screen containers first (IntersectionObserver), the rest read in idle
// time and written hidden, then revealed together.
import { afterEach, describe, expect, it } from 'vitest';
import type { Scheduler } from './index';
import { decorateForTest, manualScheduler } from './testing';

/** A stand-in IntersectionObserver: elements inside `[data-visible]` intersect. */
class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  targets: Element[] = [];
  constructor(private callback: (entries: { target: Element; isIntersecting: boolean }[]) => void) {
    FakeIntersectionObserver.instances.push(this);
  }
  observe(el: Element) {
    this.targets.push(el);
  }
  unobserve(el: Element) {
    this.targets = this.targets.filter((t) => t !== el);
  }
  disconnect() {
    this.targets = [];
  }
  /** Reports the current targets, as the browser does after layout. */
  fire() {
    const entries = this.targets.map((target) => ({
      target,
      isIntersecting: target.closest('[data-visible]') !== null,
    }));
    if (entries.length) this.callback(entries);
  }
}

function page(rows: number, visibleFrom: number, visibleTo: number) {
  const html = Array.from(
    { length: rows },
    (_, i) =>
      `<tr${i >= visibleFrom && i < visibleTo ? ' data-visible' : ''}><td>Row ${i}</td><td>212-555-${String(1000 + i)}</td><td>3/15/2024</td></tr>`,
  ).join('');
  document.body.innerHTML = `<table><tbody>${html}</tbody></table>`;
}

const count = (sel: string) => document.querySelectorAll(sel).length;

/** Starts the decorator on the page, visible-first, with a test scheduler. */
const decorate = (scheduler: Scheduler) => decorateForTest(scheduler, { visibleFirst: true });

/**
 * The decorator's visibility observer, which watches the page's rows. (The click guard has its own,
 * on our buttons inside their shadow roots.)
 */
function rowObserver(): FakeIntersectionObserver {
  const io = rowObservers()[0];
  if (!io) throw new Error('no observer watches the page’s rows');
  return io;
}

/** Every such observer: a first pass cut by the clock (a busy machine) splits in several batches. */
function rowObservers(): FakeIntersectionObserver[] {
  return FakeIntersectionObserver.instances.filter(
    (o) => o.targets.length > 0 && o.targets.every((t) => t.getRootNode() === document),
  );
}

afterEach(() => {
  FakeIntersectionObserver.instances = [];
  document.body.innerHTML = '';
});

describe('visible first', () => {
  it('decorates the top at once, then what is on screen, then the rest hidden and revealed together', () => {
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver =
      FakeIntersectionObserver;
    page(400, 300, 320); // scrolled down: rows 300–319 are on screen
    const scheduler = manualScheduler();
    decorate(scheduler);
    // The start task decorated the top of the page.
    const top = count('[data-c2c-target]');
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(100);
    scheduler.flush('frame');
    const observers = rowObservers();
    expect(observers.reduce((n, o) => n + o.targets.length, 0)).toBeGreaterThan(300);
    for (const o of observers) o.fire();
    scheduler.flush('frame');
    // On-screen rows now have buttons; nothing off-screen below them yet.
    const visibleRows = Array.from(document.querySelectorAll('tr[data-visible]'));
    expect(visibleRows.every((tr) => tr.querySelector('[data-c2c-target]'))).toBe(true);
    expect(document.querySelector('tr:last-child [data-c2c-target]')).toBeNull();
    for (const o of observers) expect(o.targets).toHaveLength(0);
    scheduler.flush();
    expect(count('[data-c2c-target]')).toBe(400);
    expect(count('[data-c2c-pending]')).toBe(0);
    expect(
      Array.from(document.querySelectorAll('tr')).every(
        (tr, i) =>
          tr.querySelector('[data-c2c-target]')?.getAttribute('data-c2c-target') ===
          `tel:+1212555${1000 + i}`,
      ),
    ).toBe(true);
  });

  it('never writes a stale read: a row changed between the idle read and the write', async () => {
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver =
      FakeIntersectionObserver;
    page(400, 0, 10);
    // One clock ms per reading: idle slices read a few dozen containers each.
    const scheduler = manualScheduler({ tick: 1 });
    decorate(scheduler);
    scheduler.flush('frame');
    rowObserver().fire();
    scheduler.flush('frame');
    const firstUnread = Array.from(document.querySelectorAll('tr')).findIndex(
      (tr) => !tr.querySelector('[data-c2c-target]'),
    );
    expect(firstUnread).toBeGreaterThan(0);
    scheduler.runOne('idle'); // reads some rows after firstUnread, writes nothing yet
    expect(
      document.querySelectorAll('tr')[firstUnread]!.querySelector('[data-c2c-target]'),
    ).toBeNull();
    const cell = document.querySelectorAll('tr')[firstUnread]!.querySelector('td:nth-child(2)')!;
    cell.textContent = '(415) 555-2671'; // replaces the text node that was read
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    scheduler.flush();
    expect(
      Array.from(cell.querySelectorAll('[data-c2c-target]')).map((h) =>
        h.getAttribute('data-c2c-target'),
      ),
    ).toEqual(['tel:+14155552671']);
    expect(count('[data-c2c-target]')).toBe(400);
    expect(count('[data-c2c-pending]')).toBe(0);
  });

  it('reads the layout for the first batch of a long first pass only, once it went below the screen', () => {
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver =
      FakeIntersectionObserver;
    page(3000, 0, 0);
    const layout = laidOut();
    try {
      // The clock advances on every reading: the walk takes several frames (batches).
      const scheduler = manualScheduler({ tick: 3 });
      decorate(scheduler);
      let frames = 0;
      while (scheduler.pending('frame')) {
        scheduler.runOne('frame');
        frames++;
      }
      expect(frames).toBeGreaterThan(1); // the first pass came in several batches
      // The first split read rows up to the run below the screen (256 of them); later batches none
      // (reading them too made about 790 reads here).
      expect(layout.reads).toBeGreaterThan(0);
      expect(layout.reads).toBeLessThan(400);
      // Rows near the top (on screen and the margin) are decorated; the rest waits for idle time.
      expect(document.querySelector('tr:nth-child(5) [data-c2c-target]')).not.toBeNull();
      expect(document.querySelector('tr:nth-child(2000) [data-c2c-target]')).toBeNull();
      scheduler.flush();
      expect(count('[data-c2c-target]')).toBe(3000);
      expect(count('[data-c2c-pending]')).toBe(0);
      expect(layout.reads).toBeLessThan(400);
    } finally {
      layout.restore();
    }
  });

  it('decorates the first screen without waiting for the walk of the rest of a long page', () => {
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver =
      FakeIntersectionObserver;
    // Frames until every row on screen has its button: the same on a long page as on a short one.
    // (When the walk took each frame's whole budget, the on-screen rows found by its first batch
    // waited for the rest of the walk: 8 frames on the long page against 4 on the short one.)
    const framesToScreen = (rows: number) => {
      page(rows, 0, 0);
      const layout = laidOut();
      try {
        const scheduler = manualScheduler({ tick: 3 });
        decorate(scheduler);
        const onScreen = Array.from(document.querySelectorAll('tr')).slice(0, 30);
        let frames = 0;
        while (!onScreen.every((tr) => tr.querySelector('[data-c2c-target]'))) {
          scheduler.runOne('frame');
          frames++;
        }
        // Still walking (frame work left) with the screen done; the rest is not run here.
        return { frames, walkLeft: scheduler.pending('frame') > 0 };
      } finally {
        layout.restore();
        document.body.innerHTML = '';
      }
    };
    const short = framesToScreen(600);
    const long = framesToScreen(6000);
    expect(long.walkLeft).toBe(true);
    expect(long.frames).toBeLessThanOrEqual(short.frames + 1);
  });
});

/**
 * A laid-out page for getBoundingClientRect: row i at 20 px × i, a 600 px viewport. `reads` counts
 * the reads (in a browser, each after our writes would re-lay out the whole list).
 */
function laidOut(): { reads: number; restore(): void } {
  const state = { reads: 0, restore: () => undefined as void };
  const rowTop = (el: Element) => {
    const tr = el.closest('tr');
    return tr ? Array.prototype.indexOf.call(tr.parentElement!.children, tr) * 20 : 0;
  };
  const original = Element.prototype.getBoundingClientRect;
  Element.prototype.getBoundingClientRect = function (this: Element) {
    state.reads++;
    const top = rowTop(this);
    return { top, bottom: top + 20, left: 0, right: 800, width: 800, height: 20 } as DOMRect;
  };
  Object.defineProperty(window, 'innerHeight', { value: 600, configurable: true });
  Object.defineProperty(window, 'innerWidth', { value: 1000, configurable: true });
  state.restore = () => {
    Element.prototype.getBoundingClientRect = original;
  };
  return state;
}
