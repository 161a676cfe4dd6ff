// The click guard's state for each control it follows (clickGuard.ts), made on first need once a
// page has many controls.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Watched {
  /** Whether the last visibility report said visible (intersecting and unoccluded). */
  visible: boolean;
  /** When that report's visible spell began (event time base, ms). */
  visibleSince: number;
  /** The control's box when last looked at, and since when it has been there. */
  box: Box | null;
  stableSince: number;
  /** 1: the pointer is over it, 2: it has the focus; only then is its visibility tracked. */
  engaged: number;
}

/** A followed control's state (made on first need for one followed lazily); undefined for others. */
export type StateOf = (node: Element) => Watched | undefined;

/**
 * The control in the closed shadow root of one of our hosts, if `host` is one (the call buttons'
 * factory knows its own). With it, controls followed lazily need no entry of their own: they are
 * found from their host when the pointer or focus comes.
 */
export type ControlOf = (host: Element) => Element | undefined;

/**
 * The followed controls' states. Once a page has many controls they are followed lazily (while
 * `lazily()` says so): no state until the pointer or focus first comes to one (or a click does), the
 * only moments it is needed then. 20,000 buttons' states were a fifth of the content script's
 * memory on a 10,000-row list. A control `controlOf` leads to from its host is not even listed as
 * waiting (`unseen`, and its root in rootListeners): it is found when needed.
 */
export function controlStates(controlOf: ControlOf | undefined, lazily: () => boolean) {
  const watched = new WeakMap<Element, Watched>();
  /** Controls followed lazily, without state yet (those `controlOf` does not lead to). */
  const unseen = new WeakSet<Element>();
  /** Controls with state (for the sweeps that forget removed ones, so observing stays cheap). */
  const all = new Set<Element>();
  /** The root of a lazily followed control `controlOf` leads to (from its root's host). */
  const foundLazily = (node: Element): ShadowRoot | undefined => {
    if (!controlOf || !lazily()) return undefined;
    const root = node.parentNode;
    if (!root || root.nodeType !== 11 || !('host' in root)) return undefined;
    return controlOf((root as ShadowRoot).host) === node ? (root as ShadowRoot) : undefined;
  };
  const fresh = (): Watched => ({
    visible: false,
    visibleSince: 0,
    box: null,
    stableSince: -Infinity,
    engaged: 0,
  });
  const stateOf: StateOf = (node) => {
    const known = watched.get(node);
    if (known) return known;
    if (!unseen.delete(node) && !foundLazily(node)) return undefined;
    const state = fresh();
    watched.set(node, state);
    all.add(node);
    return state;
  };
  return {
    watched,
    unseen,
    all,
    fresh,
    stateOf,
    /** The root of the lazily followed control of `host`, for its listeners. */
    rootOf: (host: Element): ShadowRoot | undefined => {
      const root = controlOf && lazily() ? controlOf(host)?.parentNode : undefined;
      return root && (root as ShadowRoot).host === host ? (root as ShadowRoot) : undefined;
    },
    /**
     * Follows `control` (in `root`) lazily; whether its root is to be listed for its listeners. One
     * `controlOf` leads to gets no entry here nor there: 20,000 buttons' entries in both tables were
     * a share of a long list's heap.
     */
    awaitLazily: (control: Element, root: ShadowRoot): boolean => {
      if (foundLazily(control) === root) return false;
      unseen.add(control);
      return true;
    },
  };
}
