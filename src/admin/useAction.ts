// The console's one way to run a change from a form or a button: one at a time (the controls that
// start one are disabled meanwhile), its refusal kept to show in the page's language, and the view
// reloaded after it either way (a refused edit shows what another admin saved instead).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Action {
  /** Runs `change` unless another is still running; resolves when it (and the reload) are done. */
  run: (change: () => Promise<unknown>) => Promise<void>;
  /** A change is running: disable what would start another. */
  busy: boolean;
  /** The last change's refusal (null after one that succeeded). */
  error: unknown;
}

/** `after` (e.g. reloading the list) runs after every change, succeeded or refused; its own failure is ignored. */
export function useAction(after?: () => Promise<unknown>): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const afterRef = useRef(after);
  afterRef.current = after;
  const run = useCallback(async (change: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await change();
      if (mounted.current) setError(null);
    } catch (e) {
      if (mounted.current) setError(e);
    }
    try {
      await afterRef.current?.();
    } catch {
      // The change's own answer is what the page shows; a failed reload leaves the old view.
    } finally {
      running.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { run, busy, error };
}
