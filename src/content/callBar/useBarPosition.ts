// Where the call bar sits: kept on screen, restored and remembered per site through the background
// (storage is closed to content scripts).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { background } from '../../messaging/background';
import {
  clampPosition,
  DEFAULT_POSITION,
  parsePosition,
  type BarPosition,
} from '../../ui/callBarPosition';

/** Reads the position saved for this site, or null when there is none or no background. */
async function loadPosition(): Promise<BarPosition | null> {
  try {
    return parsePosition(await background.send('callBarPosition', {}));
  } catch {
    return null;
  }
}

/** Asks the background to remember the position for this site. */
async function savePosition(position: BarPosition): Promise<void> {
  try {
    await background.send('callBarPosition', { position });
  } catch {
    // The extension was reloaded under this page: nothing to remember with.
  }
}

/** The bar's position state, the ref to measure it by, and `move` (clamped, optionally saved). */
export function useBarPosition(view: Window & typeof globalThis) {
  const [position, setPosition] = useState<BarPosition>(DEFAULT_POSITION);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    void loadPosition().then((saved) => saved && setPosition(saved));
    const onResize = () => setPosition((p) => clamp(p));
    view.addEventListener('resize', onResize, { signal: controller.signal });
    return () => controller.abort();
  }, []);

  const clamp = (p: BarPosition): BarPosition => {
    const rect = bar.current?.getBoundingClientRect();
    return clampPosition(
      p,
      { width: view.innerWidth, height: view.innerHeight },
      { width: rect?.width ?? 280, height: rect?.height ?? 120 },
    );
  };
  // Keep it on screen when its size changes (keypad opened, minimised, another page width).
  useLayoutEffect(() => {
    const next = clamp(position);
    if (next.right !== position.right || next.bottom !== position.bottom) setPosition(next);
  });

  const move = (next: BarPosition, persist: boolean) => {
    const clamped = clamp(next);
    setPosition(clamped);
    if (persist) void savePosition(clamped);
  };
  return { position, bar, move };
}
