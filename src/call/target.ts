// What a call is placed to, and its public RFC 3966 form (`tel:+E164;ext=…` or `contact:<id>`).
import { z } from 'zod';

export type Target =
  | { kind: 'phone'; /** E.164 with the leading `+` */ e164: string; ext?: string }
  | { kind: 'contact'; id: string; label?: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const EXT = /^\d{1,10}$/;
/** Contact ids come from CRM records and vendor user names: printable, no spaces, bounded. */
const CONTACT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;

export const targetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('phone'),
    e164: z.string().regex(E164, 'not an E.164 number'),
    ext: z.string().regex(EXT, 'extension must be digits').optional(),
  }),
  z.object({
    kind: z.literal('contact'),
    id: z.string().regex(CONTACT_ID, 'not a valid contact id'),
    label: z.string().max(200).optional(),
  }),
]);

export function targetToUri(target: Target): string {
  if (target.kind === 'contact') return `contact:${target.id}`;
  return target.ext ? `tel:${target.e164};ext=${target.ext}` : `tel:${target.e164}`;
}

/** Parses the `data-c2c-target` / signalling address form; returns null for anything else. */
export function parseTargetUri(uri: string): Target | null {
  const tel = /^tel:(\+[1-9]\d{6,14})(?:;ext=(\d{1,10}))?$/.exec(uri);
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
