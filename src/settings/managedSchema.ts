// Chrome's managed-storage (policy) schema, generated from the one settings schema so the two cannot
// drift: Chrome accepts only a subset of JSON Schema (one `type` per schema, no oneOf/anyOf, no
// additionalProperties at the top), so zod's JSON Schema is narrowed to that subset here.
import { z } from 'zod';
import { settingsSchema, type Settings } from './schema';

export interface ChromeSchema {
  type: 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'number';
  title?: string;
  description?: string;
  properties?: Record<string, ChromeSchema>;
  items?: ChromeSchema;
  enum?: (string | number)[];
  pattern?: string;
}

/** What the admin console shows next to each policy (English: Chrome shows it as written). */
const DOCS: Record<keyof Settings, { title: string; description: string }> = {
  backendUrl: {
    title: 'Server address',
    description: 'URL of the Click-to-Call backend, e.g. https://calls.example.com',
  },
  provider: {
    title: 'Calling provider',
    description: 'builtin (WebRTC through the backend), vonage or clevertap',
  },
  sites: {
    title: 'Extra CRM sites',
    description:
      'Match patterns of further sites to add call buttons to, e.g. https://crm.example.com/*',
  },
  defaultCountry: {
    title: 'Default country',
    description:
      'ISO 3166 region for national numbers, e.g. US; empty = the browser language region',
  },
  contactRules: {
    title: 'Contact-ID rules',
    description: 'Rules that find callable contact IDs in CRM pages',
  },
  contactPresets: {
    title: 'Contact-ID presets',
    description: 'Ids of the shipped contact-ID rule presets to switch on',
  },
  screenPop: {
    title: 'Screen pop',
    description:
      "Open the caller's CRM record (focus its tab, or open it) when an incoming call is answered",
  },
  callWaiting: {
    title: 'Call waiting',
    description: 'Let a second incoming call ring during a call',
  },
  idleAwaySec: {
    title: 'Away after idle (seconds)',
    description:
      'Seconds without input, or the screen locked, before an Available agent shows as Away (15-14400)',
  },
  vonage: { title: 'Vonage', description: 'Vonage region (US, EU, AP) and SDK telemetry' },
  clevertap: { title: 'CleverTap', description: 'CleverTap Signed Call: the call-context text' },
};

type Json = Record<string, unknown>;

/** Narrows one JSON Schema node (zod's output) to what Chrome's policy schema parser accepts. */
export function toChromeSchema(node: Json): ChromeSchema {
  const variants = (node.oneOf ?? node.anyOf) as Json[] | undefined;
  if (variants) {
    // A discriminated union of objects becomes one object with every variant's properties; the
    // settings schema still checks the exact shape when the policy is read.
    const properties: Record<string, ChromeSchema> = {};
    for (const variant of variants) {
      for (const [key, value] of Object.entries(
        (variant.properties ?? {}) as Record<string, Json>,
      )) {
        const next = toChromeSchema(value);
        const prev = properties[key];
        if (prev?.enum && next.enum) next.enum = [...new Set([...prev.enum, ...next.enum])];
        properties[key] = next;
      }
    }
    return { type: 'object', properties };
  }
  const type = node.type as ChromeSchema['type'];
  if (!type) throw new Error(`managed schema: no single type in ${JSON.stringify(node)}`);
  const out: ChromeSchema = { type };
  if (node.const !== undefined) out.enum = [node.const as string];
  if (Array.isArray(node.enum)) out.enum = node.enum as string[];
  if (typeof node.pattern === 'string') out.pattern = node.pattern;
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, Json>).map(([k, v]) => [
        k,
        toChromeSchema(v),
      ]),
    );
  }
  if (node.items) out.items = toChromeSchema(node.items as Json);
  return out;
}

export function buildManagedSchema(): ChromeSchema {
  const json = z.toJSONSchema(settingsSchema, { io: 'input' }) as Json;
  const schema = toChromeSchema(json);
  for (const [key, docs] of Object.entries(DOCS)) {
    const property = schema.properties?.[key];
    if (!property) throw new Error(`managed schema: no setting ${key}`);
    schema.properties![key] = { ...docs, ...property };
  }
  return schema;
}
