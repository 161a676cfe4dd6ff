// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { EXCLUDED } from './decorate/containers';
import { decoratesFrame, frameChain, framesShow, offsetInTop, type FrameView } from './frames';

/** A window: `parent`'s frame element is `element` (null: another origin's). */
function win(parent?: { view: FrameView; element: Element | null }): FrameView {
  const view: { top: unknown; frameElement: Element | null } & FrameView = {
    top: undefined,
    frameElement: parent ? parent.element : null,
    getComputedStyle: () => ({ paddingLeft: '2px', paddingTop: '3px' }),
  };
  view.top = parent ? parent.view.top : view;
  return view;
}

interface FakeFrame {
  element: Element;
  /** Where elementFromPoint was asked, in the parent's viewport. */
  asked: [number, number][];
  set(patch: Partial<{ visible: boolean; scale: number; onTop: boolean }>): void;
}

/** An iframe element in `parent`, its box at (`x`, `y`), 200×100 with a 1 px border. */
function frameIn(parent: FrameView, x: number, y: number): FakeFrame {
  const state = { visible: true, scale: 1, onTop: true };
  const asked: [number, number][] = [];
  const element = {
    ownerDocument: { defaultView: parent, querySelector: () => null },
    parentNode: null,
    clientLeft: 1,
    clientTop: 1,
    offsetWidth: 200,
    offsetHeight: 100,
    checkVisibility: () => state.visible,
    getBoundingClientRect: () => ({
      left: x,
      top: y,
      width: 200 * state.scale,
      height: 100 * state.scale,
    }),
    getRootNode: () => ({
      elementFromPoint: (px: number, py: number) => {
        asked.push([px, py]);
        return state.onTop ? element : null;
      },
    }),
  } as unknown as Element;
  return { element, asked, set: (patch) => Object.assign(state, patch) };
}

describe('frames', () => {
  const top = win();
  const outer = frameIn(top, 100, 50);
  const middle = win({ view: top, element: outer.element });
  const inner = frameIn(middle, 10, 20);
  const view = win({ view: middle, element: inner.element });

  it('the top frame has no chain; a frame has its elements up to the top', () => {
    expect(frameChain(top)).toEqual([]);
    expect(frameChain(view)).toEqual([inner.element, outer.element]);
    expect(decoratesFrame(top, EXCLUDED)).toBe(true);
    expect(decoratesFrame(view, EXCLUDED)).toBe(true);
  });

  it('a frame under a parent of another origin (no element to read) is not decorated', () => {
    const foreign = win({ view: top, element: null });
    expect(frameChain(foreign)).toBeNull();
    expect(decoratesFrame(foreign, EXCLUDED)).toBe(false);
    const below = win({ view: foreign, element: frameIn(foreign, 0, 0).element });
    expect(decoratesFrame(below, EXCLUDED)).toBe(false);
    const throwing = { ...win({ view: top, element: null }) } as FrameView;
    Object.defineProperty(throwing, 'frameElement', {
      get: () => {
        throw new DOMException('Blocked a frame', 'SecurityError');
      },
    });
    expect(decoratesFrame(throwing, EXCLUDED)).toBe(false);
  });

  it("places the frame's viewport in the top's: each box past its border and padding", () => {
    // inner: 10 + 1 + 2, 20 + 1 + 3; outer: 100 + 1 + 2, 50 + 1 + 3.
    expect(offsetInTop([inner.element, outer.element])).toEqual({ x: 116, y: 78 });
    expect(offsetInTop([])).toEqual({ x: 0, y: 0 });
  });

  it('a click counts where every parent shows the frame on top at that point', () => {
    inner.asked.length = 0;
    outer.asked.length = 0;
    expect(framesShow([inner.element, outer.element], 5, 6, false)).toBe(true);
    expect(inner.asked).toEqual([[18, 30]]);
    expect(outer.asked).toEqual([[121, 84]]);
  });

  it.each([
    ['hidden by CSS (opacity 0 or visibility: hidden)', { visible: false }],
    ['scaled by a transform or zoom', { scale: 1.5 }],
    ['covered by something of the parent page', { onTop: false }],
  ])('a click does not count when a parent shows the frame %s', (_name, patch) => {
    outer.set(patch);
    try {
      expect(framesShow([inner.element, outer.element], 5, 6, false)).toBe(false);
    } finally {
      outer.set({ visible: true, scale: 1, onTop: true });
    }
  });

  it('a key press has no point: the frame must still be shown, unscaled', () => {
    outer.set({ onTop: false });
    expect(framesShow([inner.element, outer.element], 0, 0, true)).toBe(true);
    outer.set({ onTop: true, visible: false });
    expect(framesShow([inner.element, outer.element], 0, 0, true)).toBe(false);
    outer.set({ visible: true });
  });

  it("a frame counts as part of its parent's page: one opted out, or in a part not searched, is left alone", () => {
    /** The frame element at `html` in this document (`id="f"`; happy-dom loads no frames). */
    const frameAt = (html: string) => {
      document.body.innerHTML = html;
      const element = document.getElementById('f')!;
      return win({ view: window as unknown as FrameView, element });
    };
    try {
      expect(decoratesFrame(frameAt('<div><i id="f"></i></div>'), EXCLUDED)).toBe(true);
      for (const html of [
        '<div data-c2c-ignore><p><i id="f"></i></p></div>',
        '<div class="c2c-ignore"><i id="f"></i></div>',
        '<div contenteditable><i id="f"></i></div>',
        '<section hidden><i id="f"></i></section>',
      ])
        expect(decoratesFrame(frameAt(html), EXCLUDED), html).toBe(false);
      // Inside a web component inside an excluded part.
      document.body.innerHTML = '<div data-c2c-ignore><x-list></x-list></div>';
      const root = document.querySelector('x-list')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<i id="g"></i>';
      const inComponent = win({
        view: window as unknown as FrameView,
        element: root.getElementById('g')!,
      });
      expect(decoratesFrame(inComponent, EXCLUDED)).toBe(false);
      // The whole parent page opted out.
      const meta = document.createElement('meta');
      meta.name = 'click-to-call';
      meta.content = 'off';
      document.head.append(meta);
      expect(decoratesFrame(frameAt('<i id="f"></i>'), EXCLUDED)).toBe(false);
      meta.remove();
    } finally {
      document.body.innerHTML = '';
    }
  });
});
