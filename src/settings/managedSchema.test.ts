import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManagedSchema, type ChromeSchema } from './managedSchema';
import { DEFAULT_SETTINGS, mergeSettings, settingsSchema } from './schema';

const committed = JSON.parse(readFileSync('public/managed_schema.json', 'utf8')) as ChromeSchema;
const ALLOWED = new Set(['type', 'title', 'description', 'properties', 'items', 'enum', 'pattern']);

/** A small validator for Chrome's schema subset: what Chrome would accept as a policy value. */
function conforms(schema: ChromeSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'object':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.entries(value).every(([k, v]) => {
          const p = schema.properties?.[k];
          return p ? conforms(p, v) : false;
        })
      );
    case 'array':
      return Array.isArray(value) && value.every((v) => conforms(schema.items!, v));
    case 'string':
      return (
        typeof value === 'string' &&
        (!schema.enum || schema.enum.includes(value)) &&
        (!schema.pattern || new RegExp(schema.pattern).test(value))
      );
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'number';
  }
}

function walk(schema: ChromeSchema, visit: (s: ChromeSchema, path: string) => void, path = '') {
  visit(schema, path);
  for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v, visit, `${path}.${k}`);
  if (schema.items) walk(schema.items, visit, `${path}[]`);
}

describe('managed_schema.json', () => {
  it('is the schema generated from the settings schema (run scripts/write-managed-schema.ts)', () => {
    expect(committed).toEqual(buildManagedSchema());
  });

  it('declares every setting as a policy, and nothing else', () => {
    expect(Object.keys(committed.properties ?? {}).sort()).toEqual(
      Object.keys(settingsSchema.shape).sort(),
    );
  });

  it("uses only Chrome's schema subset: one type each, no top-level additionalProperties", () => {
    expect(committed.type).toBe('object');
    walk(committed, (node, path) => {
      expect([path, Object.keys(node).filter((k) => !ALLOWED.has(k))]).toEqual([path, []]);
      expect([path, typeof node.type]).toEqual([path, 'string']);
      if (node.type === 'object') expect(node.properties).toBeDefined();
      if (node.type === 'array') expect(node.items).toBeDefined();
    });
  });

  const fullPolicy = {
    backendUrl: 'https://calls.acme.example',
    provider: 'vonage',
    sites: ['https://crm.acme.example/*'],
    defaultCountry: 'DE',
    contactRules: [
      {
        id: 'acme-user',
        label: 'ACME user',
        selector: '[data-user]',
        source: { type: 'attribute', name: 'data-user' },
        enabled: true,
      },
      {
        id: 'acme-link',
        label: 'Link',
        selector: 'a',
        source: { type: 'href', pattern: 'u/(\\w+)' },
      },
    ],
    contactPresets: [],
    callWaiting: true,
    vonage: { region: 'EU', telemetry: false },
    clevertap: { callContext: 'Support' },
  };

  it('accepts a full valid policy that the settings schema also accepts', () => {
    expect(conforms(committed, fullPolicy)).toBe(true);
    expect(settingsSchema.safeParse(fullPolicy).success).toBe(true);
    const { locked, problems } = mergeSettings({}, fullPolicy);
    expect(problems).toEqual([]);
    expect(locked.sort()).toEqual(Object.keys(fullPolicy).sort());
  });

  it('accepts the defaults', () => {
    expect(conforms(committed, DEFAULT_SETTINGS)).toBe(true);
  });

  it.each([
    [{ provider: 'skype' }],
    [{ sites: ['crm.example.com'] }],
    [{ defaultCountry: 'usa' }],
    [{ callWaiting: 'yes' }],
    [{ vonage: { region: 'MARS' } }],
    [{ contactRules: [{ id: 'Bad Id' }] }],
    [{ unknownPolicy: 1 }],
  ])('rejects %o like the settings schema does', (policy) => {
    expect(conforms(committed, policy)).toBe(false);
  });
});
