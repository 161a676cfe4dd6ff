// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decorateForTest, manualScheduler } from './testing';
import { createSubtreeWalk } from './subtreeWalk';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

const targets = (root: ParentNode) =>
  Array.from(root.querySelectorAll('[data-c2c-target]')).map((el) =>
    el.getAttribute('data-c2c-target'),
  );

describe('one walk of each added subtree', () => {
  it('feeds the phone and the contact feature from one text walk and one query', async () => {
    document.body.innerHTML = '<table><tbody id="rows"></tbody></table>';
    const scheduler = manualScheduler();
    decorateForTest(scheduler);
    scheduler.flush();
    const row = document.createElement('tr');
    row.innerHTML =
      '<td><span data-cuid="u-7">Jane</span></td><td>(415) 555-2671</td>' +
      '<td><a href="tel:+442079460958">office</a></td>';
    const walkers = vi.spyOn(document, 'createTreeWalker');
    const queries = vi.spyOn(row, 'querySelectorAll');
    document.getElementById('rows')!.append(row);
    await new Promise((r) => setTimeout(r, 0));
    scheduler.flush();
    const searches = queries.mock.calls.length;
    expect(walkers.mock.calls.filter(([root]) => root === row)).toHaveLength(1);
    expect(searches).toBe(1);
    expect(targets(row)).toEqual(['contact:u-7', 'tel:+14155552671', 'tel:+442079460958']);
  });

  it('resumes a walk cut short, and stops subscribers that abort', () => {
    document.body.innerHTML = '<p>a</p><p>b</p><p>c</p>';
    let clock = 0;
    const walk = createSubtreeWalk(
      document,
      () => clock,
      () => false,
    );
    const seen: string[] = [];
    const stop = new AbortController();
    walk.subscribe({ text: (t) => seen.push(t.data) }, new AbortController().signal);
    const late: string[] = [];
    walk.subscribe({ text: (t) => late.push(t.data) }, stop.signal);
    walk.add(document.body, true);
    walk.run(10, () => seen.length >= 1);
    expect(seen).toEqual(['a']);
    expect(walk.pending()).toBe(true);
    stop.abort();
    walk.run(10);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(late).toEqual(['a']);
    expect(walk.pending()).toBe(false);
    clock = 20;
    walk.add(document.body);
    walk.run(10);
    expect(walk.pending()).toBe(true); // past the deadline: nothing walked
  });

  it("reports the components' open roots and the custom elements not defined yet, not our own", () => {
    document.body.innerHTML =
      '<x-card></x-card><p>a<c2c-call></c2c-call></p><c2c-call-bar></c2c-call-bar><div id="h"></div>';
    const open = document.getElementById('h')!.attachShadow({ mode: 'open' });
    document.createElement('div').attachShadow({ mode: 'closed' });
    const roots: ShadowRoot[] = [];
    const waiting: string[] = [];
    const walk = createSubtreeWalk(
      document,
      () => 0,
      () => false,
      { root: (r) => roots.push(r), undefinedElement: (el) => waiting.push(el.localName) },
    );
    const texts: string[] = [];
    walk.subscribe({ text: (t) => texts.push(t.data) }, new AbortController().signal);
    walk.add(document.body, true);
    walk.run(10);
    expect(roots).toEqual([open]);
    expect(waiting).toEqual(['x-card']);
    // Passing the elements leaves the text walk as it was.
    expect(texts).toEqual(['a']);
  });
});
