// Where the in-page call bar sits: distances from the viewport's bottom-right corner (so it follows
// window resizes), kept inside the viewport, remembered per site in storage.local.
export interface BarPosition {
  right: number;
  bottom: number;
}
export interface Size {
  width: number;
  height: number;
}

export const DEFAULT_POSITION: BarPosition = { right: 16, bottom: 16 };
export const POSITION_KEY = 'callBarPositions';
const MARGIN = 4;

/** Keeps the whole bar on screen (or as much as fits). */
export function clampPosition(pos: BarPosition, viewport: Size, bar: Size): BarPosition {
  const maxRight = Math.max(MARGIN, viewport.width - bar.width - MARGIN);
  const maxBottom = Math.max(MARGIN, viewport.height - bar.height - MARGIN);
  return {
    right: Math.round(Math.min(Math.max(pos.right, MARGIN), maxRight)),
    bottom: Math.round(Math.min(Math.max(pos.bottom, MARGIN), maxBottom)),
  };
}

/** Moving the bar by pointer: the start position minus how far the pointer went. */
export function dragTo(start: BarPosition, dx: number, dy: number): BarPosition {
  return { right: start.right - dx, bottom: start.bottom - dy };
}

/** Arrow keys on the drag handle move the bar (Shift: bigger steps); null for other keys. */
export function nudge(pos: BarPosition, key: string, big: boolean): BarPosition | null {
  const step = big ? 64 : 16;
  switch (key) {
    case 'ArrowLeft':
      return { ...pos, right: pos.right + step };
    case 'ArrowRight':
      return { ...pos, right: pos.right - step };
    case 'ArrowUp':
      return { ...pos, bottom: pos.bottom + step };
    case 'ArrowDown':
      return { ...pos, bottom: pos.bottom - step };
    default:
      return null;
  }
}

/** A stored value back into a position, or null if it is not one (storage is untrusted input). */
export function parsePosition(raw: unknown): BarPosition | null {
  if (!raw || typeof raw !== 'object') return null;
  const { right, bottom } = raw as Record<string, unknown>;
  if (typeof right !== 'number' || typeof bottom !== 'number') return null;
  if (!Number.isFinite(right) || !Number.isFinite(bottom)) return null;
  return { right, bottom };
}
