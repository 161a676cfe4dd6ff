// Which keyboard keys are phone-keypad tones during a call.
const DTMF_KEY = /^[0-9*#]$/;

/** The tone a key press sends (`'5'`, `'*'`, `'#'`), or null: modified keys and typing into a field send none. */
export function dtmfDigit(event: {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target?: EventTarget | null;
}): string | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (!DTMF_KEY.test(event.key)) return null;
  const target = event.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = target?.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable)
    return null;
  return event.key;
}
