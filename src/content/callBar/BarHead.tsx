// The call bar's title row: the drag handle, the title, and while there is a call the minimised
// bar's Hang up and the minimise/expand toggle.
import type { ComponentChildren, RefObject } from 'preact';
import { background } from '../../messaging/background';
import type { CallSnapshot } from '../../call/state';
import { DEFAULT_POSITION, dragTo, nudge, type BarPosition } from '../../ui/callBarPosition';
import { t } from '../../ui/i18n';

/** A pointer drag in progress on the handle: where it started and which pointer it follows. */
export type BarDrag = { x: number; y: number; start: BarPosition; id: number };

interface GripProps {
  position: BarPosition;
  move: (next: BarPosition, persist: boolean) => void;
  drag: RefObject<BarDrag | null>;
}

/** The drag handle: moves the bar with a pointer, the arrow keys, or Home (back to the corner). */
function Grip({ position, move, drag }: GripProps) {
  return (
    <>
      <button
        class="c2c-grip"
        aria-label={t('callBarMove')}
        title={t('callBarMoveHint')}
        aria-describedby="c2c-move-hint"
        onPointerDown={(e) => {
          if (!e.isPrimary) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, start: position, id: e.pointerId };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d && d.id === e.pointerId)
            move(dragTo(d.start, e.clientX - d.x, e.clientY - d.y), false);
        }}
        onPointerUp={(e) => {
          const d = drag.current;
          if (!d || d.id !== e.pointerId) return;
          drag.current = null;
          move(dragTo(d.start, e.clientX - d.x, e.clientY - d.y), true);
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
        onKeyDown={(e) => {
          if (e.key === 'Home') {
            e.preventDefault();
            move(DEFAULT_POSITION, true);
            return;
          }
          const next = nudge(position, e.key, e.shiftKey);
          if (!next) return;
          e.preventDefault();
          move(next, true);
        }}
      >
        <span aria-hidden="true">⋮⋮</span>
      </button>
      <span class="sr-only" id="c2c-move-hint">
        {t('callBarMoveHint')}
      </span>
    </>
  );
}

export interface BarHeadProps extends GripProps {
  title: ComponentChildren;
  call: CallSnapshot | null;
  minimized: boolean;
  mustExpand: boolean;
  setMinimizedFor: (callId: string | null) => void;
  /** The call controls' click check (see clickGuard). */
  allows: (event: Event) => boolean;
}

/** The title row shown above the call panel and the wrap-up. */
export function BarHead(props: BarHeadProps) {
  const { title, call, minimized, mustExpand, setMinimizedFor, allows } = props;
  return (
    <div class="c2c-head">
      <Grip position={props.position} move={props.move} drag={props.drag} />
      <span class="c2c-title" data-testid="call-bar-title">
        {title}
      </span>
      {minimized && call && call.phase !== 'ended' && (
        <button
          class="c2c-hangup"
          onClick={(e) => allows(e) && void background.send('hangup', {}).catch(() => undefined)}
        >
          {t('hangUp')}
        </button>
      )}
      {call && !mustExpand && (
        <button
          class="c2c-toggle"
          aria-expanded={!minimized}
          aria-label={minimized ? t('callBarExpand') : t('callBarMinimize')}
          title={minimized ? t('callBarExpand') : t('callBarMinimize')}
          data-testid="call-bar-toggle"
          onClick={() => setMinimizedFor(minimized ? null : call.callId)}
        >
          <span aria-hidden="true">{minimized ? '▴' : '▾'}</span>
        </button>
      )}
    </div>
  );
}
