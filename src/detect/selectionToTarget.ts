// Turns a selected text (context menu "Call …") into a call target.
import type { Target } from '../contract/target';
import { findPhoneNumbers } from './findPhoneNumbers';
import { phoneFromHref } from './phoneFromHref';
import { resolveDefaultCountry } from './defaultCountry';
import { validatePhone } from './phoneMetadata';
// Full (max) validity here: the background validates the selection the agent asked to call. (The
// content script fetches the number types as a file instead: see numberTypesFile.ts.)
import './numberTypesFull';

/**
 * The number in a selection: the first valid number found in it, or the whole selection read
 * as one number (a user who selects "4155552671" means it, even without separators).
 */
export function selectionToTarget(text: string, defaultCountry: string): Target | null {
  const country = resolveDefaultCountry(defaultCountry);
  const trimmed = text.trim().slice(0, 200);
  if (!trimmed) return null;
  const link = phoneFromHref(trimmed, country);
  if (link) return link.target;
  const [first] = findPhoneNumbers(trimmed, country);
  if (first) return first.target;
  const whole = trimmed.normalize('NFKC');
  if (/^\+?[\d\s().\-‐‑–/]{7,30}$/.test(whole)) {
    const valid = validatePhone(whole.replace(/\D/g, ''), whole.startsWith('+'), country);
    if (valid) return { kind: 'phone', e164: valid.e164 };
  }
  return null;
}
