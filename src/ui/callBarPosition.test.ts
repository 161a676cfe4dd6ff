import { describe, expect, it } from 'vitest';
import { clampPosition, dragTo, nudge, parsePosition } from './callBarPosition';

const viewport = { width: 1000, height: 800 };
const bar = { width: 300, height: 120 };

describe('call bar position', () => {
  it.each([
    [
      { right: 16, bottom: 16 },
      { right: 16, bottom: 16 },
    ],
    [
      { right: -50, bottom: -10 },
      { right: 4, bottom: 4 },
    ],
    [
      { right: 5000, bottom: 5000 },
      { right: 696, bottom: 676 },
    ],
    [
      { right: 100.6, bottom: 200.2 },
      { right: 101, bottom: 200 },
    ],
  ])('clamps %o into the viewport → %o', (pos, expected) => {
    expect(clampPosition(pos, viewport, bar)).toEqual(expected);
  });

  it('keeps a bar wider than the viewport at the margin', () => {
    expect(clampPosition({ right: 50, bottom: 50 }, { width: 200, height: 100 }, bar)).toEqual({
      right: 4,
      bottom: 4,
    });
  });

  it('follows the pointer: moving right and down shrinks the distances', () => {
    expect(dragTo({ right: 100, bottom: 100 }, 30, -20)).toEqual({ right: 70, bottom: 120 });
  });

  it.each([
    ['ArrowLeft', false, { right: 116, bottom: 100 }],
    ['ArrowRight', false, { right: 84, bottom: 100 }],
    ['ArrowUp', true, { right: 100, bottom: 164 }],
    ['ArrowDown', false, { right: 100, bottom: 84 }],
    ['Enter', false, null],
  ])('%s (big %s) → %o', (key, big, expected) => {
    expect(nudge({ right: 100, bottom: 100 }, key, big)).toEqual(expected);
  });

  it.each([
    [
      { right: 10, bottom: 20 },
      { right: 10, bottom: 20 },
    ],
    [null, null],
    ['x', null],
    [{ right: '10', bottom: 20 }, null],
    [{ right: Infinity, bottom: 20 }, null],
  ])('parses stored %o', (raw, expected) => {
    expect(parsePosition(raw)).toEqual(expected);
  });
});
