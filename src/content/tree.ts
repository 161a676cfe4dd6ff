// The page's tree as the agent sees it: climbing across web components' shadow roots. A leaf, for
// the decorator and the click guard's frame check alike.

/**
 * The element whose content `node` is: its parent, or the host of the web component's shadow root
 * it sits at the top of (a component's text, `<x-phone>` rendering "(415) 555-2671" in its root).
 */
export function parentOrHost(node: Node): Element | null {
  const parent = node.parentNode;
  if (parent?.nodeType === 1) return parent as Element;
  return parent?.nodeType === 11 ? ((parent as ShadowRoot).host ?? null) : null;
}
