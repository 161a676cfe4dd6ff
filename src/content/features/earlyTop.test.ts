// @vitest-environment happy-dom
// The top of a page still loading gets its buttons before DOMContentLoaded; the decorator keeps them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decorateForTest, manualScheduler } from '../decorate/testing';

const row = (i: number) =>
  `<tr><td>Row ${i}</td><td>212-555-${String(1000 + i)}</td><td>3/15/2024</td></tr>`;
const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => row(from + k)).join('');
const targets = () =>
  Array.from(document.querySelectorAll('[data-c2c-target]')).map((el) =>
    el.getAttribute('data-c2c-target'),
  );

/** The page as parsed so far (readyState "loading"), and the decorator started on it. */
function loading(html: string) {
  document.body.innerHTML = html;
  const state = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
  const scheduler = manualScheduler();
  const controller = new AbortController();
  decorateForTest(scheduler, { signal: controller.signal });
  return {
    scheduler,
    controller,
    parsed() {
      state.mockReturnValue('interactive');
      document.dispatchEvent(new Event('DOMContentLoaded'));
    },
  };
}

/** Runs `n` frames: with fewer containers than it takes, the pass looks again each frame. */
function frames(scheduler: ReturnType<typeof manualScheduler>, n: number) {
  for (let i = 0; i < n; i++) scheduler.runOne('frame');
}

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

describe('the top of a page still loading', () => {
  it('decorates the first containers in the next frame, before DOMContentLoaded', () => {
    const t = loading(`<table><tbody>${rows(0, 100)}</tbody></table><p>more to come</p>`);
    expect(targets()).toEqual([]);
    t.scheduler.runOne('frame');
    expect(targets().length).toBeGreaterThan(0);
    // Frame by frame (a few ms each), the first 30 containers that may hold a number (the phone and
    // date cells of 15 rows: "Row 12" has too few digits); nothing more until DOMContentLoaded.
    t.scheduler.flush();
    expect(targets()).toEqual(Array.from({ length: 15 }, (_, i) => `tel:+1212555${1000 + i}`));
  });

  it('waits for a container the parser may still be adding to', () => {
    // The last cell is the last thing parsed: its number may not be whole yet.
    const t = loading(`<table><tbody>${rows(0, 2)}<tr><td>Row 2</td><td>212-555-1002</td>`);
    t.scheduler.runOne('frame');
    expect(targets()).toEqual(['tel:+12125551000', 'tel:+12125551001']);
    // The parser goes on: the cell's text grows (an extension), then something follows it.
    const cell = document.querySelectorAll('tr')[2]!.cells[1]!;
    (cell.firstChild as Text).appendData(' ext. 12');
    t.scheduler.runOne('frame');
    expect(targets()).toHaveLength(2);
    cell.after(document.createElement('td'));
    t.scheduler.runOne('frame');
    expect(targets()).toEqual(['tel:+12125551000', 'tel:+12125551001', 'tel:+12125551002;ext=12']);
  });

  it('looks for more rows for a bounded number of frames on a page that stays loading', () => {
    const t = loading(`<table><tbody>${rows(0, 3)}</tbody></table><p></p>`);
    let n = 0;
    while (t.scheduler.pending('frame')) {
      t.scheduler.runOne('frame');
      n++;
    }
    expect(targets()).toHaveLength(3);
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThanOrEqual(600);
  });

  it('leaves excluded parts alone', () => {
    const t = loading(
      `<div contenteditable>212-555-1000</div><table><tbody>${rows(1, 3)}</tbody></table><p></p>`,
    );
    frames(t.scheduler, 5);
    expect(targets()).toEqual(['tel:+12125551001', 'tel:+12125551002']);
  });

  it('hands its buttons to the decorator at DOMContentLoaded: kept, not made twice', () => {
    const t = loading(`<table><tbody>${rows(0, 60)}</tbody></table><p></p>`);
    t.scheduler.flush();
    const early = Array.from(document.querySelectorAll('[data-c2c-target]'));
    expect(early).toHaveLength(15);
    const more = document.createElement('template');
    more.innerHTML = `<table><tbody>${rows(60, 80)}</tbody></table>`;
    document.querySelector('tbody')!.append(...more.content.querySelectorAll('tr'));
    t.parsed();
    t.scheduler.flush();
    expect(targets()).toEqual(Array.from({ length: 80 }, (_, i) => `tel:+1212555${1000 + i}`));
    const now = Array.from(document.querySelectorAll('[data-c2c-target]')).slice(0, 15);
    expect(now.every((host, i) => host === early[i])).toBe(true);
  });

  it('stops when the content script does, and its buttons go', () => {
    const t = loading(`<table><tbody>${rows(0, 10)}</tbody></table><p></p>`);
    frames(t.scheduler, 5);
    expect(targets()).toHaveLength(10);
    t.controller.abort();
    t.parsed();
    t.scheduler.flush();
    expect(targets()).toEqual([]);
  });
});
