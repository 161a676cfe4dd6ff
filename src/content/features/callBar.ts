// The call bar: mounts the in-page bar (callBar.tsx) for this tab until `signal` aborts.
import { mountCallBar, type CallBarHandle } from '../callBar';

/** Returns the bar, which also shows why a click could not start a call. */
export function init(signal: AbortSignal, doc: Document = document): CallBarHandle {
  return mountCallBar(signal, doc);
}
