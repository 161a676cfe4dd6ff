// What a call is placed to, and its public RFC 3966 form (`tel:+E164;ext=…` or `contact:<id>`): the
// `data-c2c-target` value on every button and the signalling address of a softphone line.
import { CONTACT_ID, ID_SOURCES } from './ids';

export type Target =
  | { kind: 'phone'; /** E.164 with the leading `+` */ e164: string; ext?: string }
  | { kind: 'contact'; id: string; label?: string };

const TEL_URI = new RegExp(`^tel:(${ID_SOURCES.e164})(?:;ext=(${ID_SOURCES.ext}))?$`);

export function targetToUri(target: Target): string {
  // Joined, not concatenated: V8 keeps a concatenation of 13 characters or more as a pair of its
  // parts (20 bytes more, and the parts kept too), and every call button keeps its URI (20,000 on a
  // 10,000-row list). A join is one flat string.
  if (target.kind === 'contact') return ['contact:', target.id].join('');
  return target.ext
    ? ['tel:', target.e164, ';ext=', target.ext].join('')
    : ['tel:', target.e164].join('');
}

/** Parses the `data-c2c-target` / signalling address form; returns null for anything else. */
export function parseTargetUri(uri: string): Target | null {
  const tel = TEL_URI.exec(uri);
  if (tel)
    return tel[2]
      ? { kind: 'phone', e164: tel[1]!, ext: tel[2] }
      : { kind: 'phone', e164: tel[1]! };
  const contact = /^contact:(.+)$/.exec(uri);
  if (contact && CONTACT_ID.test(contact[1]!)) return { kind: 'contact', id: contact[1]! };
  return null;
}

/** Human form for UI: `+1 415 555 2671 ext. 12` is done by the UI with libphonenumber; this is the fallback. */
export function describeTarget(target: Target): string {
  if (target.kind === 'contact') return target.label ?? target.id;
  return target.ext ? `${target.e164} ext. ${target.ext}` : target.e164;
}
