// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { phoneFromHref } from './phoneFromHref';
import { CONTACT_PRESETS, compileContactRules, contactTargetOf } from './contactRules';
import { selectionToTarget } from './selectionToTarget';
import { resolveDefaultCountry } from './defaultCountry';
import type { ContactRule } from '../settings/schema';

describe('phoneFromHref', () => {
  it.each([
    ['tel:+14155552671', '+14155552671', undefined],
    ['tel:+1-415-555-2671', '+14155552671', undefined],
    ['tel:(415)%20555-2671', '+14155552671', undefined],
    ['tel:4155552671', '+14155552671', undefined],
    ['TEL:+14155552671;ext=204', '+14155552671', '204'],
    ['tel:+14155552671;phone-context=example.com', '+14155552671', undefined],
    ['tel:+14155552671p204', null, undefined],
    ['tel:+14155552671x204', '+14155552671', '204'],
    ['callto:+442079460958', '+442079460958', undefined],
    ['callto://+442079460958', '+442079460958', undefined],
    ['sip:+442079460958@pbx.example.com', '+442079460958', undefined],
    ['sips:+442079460958@pbx.example.com;user=phone', '+442079460958', undefined],
    ['sip:alice@example.com', null, undefined],
    ['tel:', null, undefined],
    ['tel:123', null, undefined],
    ['tel:+999123456789', '+999123456789', undefined], // well-formed international: the link says so
    ['mailto:4155552671@example.com', null, undefined],
    ['https://example.com/tel:4155552671', null, undefined],
  ])('%s', (href, e164, ext) => {
    const result = phoneFromHref(href, 'US');
    expect(result?.target.e164 ?? null).toBe(e164);
    expect(result?.target.ext).toBe(ext);
  });
});

function link(href: string, attrs: Record<string, string> = {}): Element {
  const a = document.createElement('a');
  a.setAttribute('href', href);
  for (const [k, v] of Object.entries(attrs)) a.setAttribute(k, v);
  a.textContent = 'Jane Doe';
  return a;
}

describe('contact presets', () => {
  const all = { contactRules: [], contactPresets: CONTACT_PRESETS.map((p) => p.id) };
  it.each([
    [
      'https://acme.lightning.force.com/lightning/r/Contact/0035g00000XyZabAAB/view',
      '0035g00000XyZabAAB',
    ],
    ['/lightning/r/Lead/00Q5g00000AbCdE/view', '00Q5g00000AbCdE'],
    ['/lightning/r/Account/0015g00000XyZabAAB/view', null],
    ['https://app.hubspot.com/contacts/4419723/record/0-1/151', '151'],
    ['https://app-eu1.hubspot.com/contacts/4419723/contact/9001/', '9001'],
    ['https://app.hubspot.com/contacts/4419723/record/0-2/151', null],
    ['https://crm.zoho.com/crm/org123/tab/Contacts/4876876000000123456', '4876876000000123456'],
    ['https://crm.zoho.eu/crm/org123/tab/Leads/4876876000000654321/', '4876876000000654321'],
    ['https://crm.zoho.com/crm/org123/tab/Deals/4876876000000123456', null],
    ['https://acme.pipedrive.com/person/1042', '1042'],
    ['https://acme.pipedrive.com/deal/1042', null],
    [
      'https://acme.crm.dynamics.com/main.aspx?appid=1&pagetype=entityrecord&etn=contact&id=%7B3b1a1c7e-4f2b-4c3d-9e8f-0a1b2c3d4e5f%7D',
      '3b1a1c7e-4f2b-4c3d-9e8f-0a1b2c3d4e5f',
    ],
    [
      'https://acme.crm4.dynamics.com/main.aspx?etn=lead&pagetype=entityrecord&id=3b1a1c7e-4f2b-4c3d-9e8f-0a1b2c3d4e5f',
      '3b1a1c7e-4f2b-4c3d-9e8f-0a1b2c3d4e5f',
    ],
    [
      'https://acme.crm.dynamics.com/main.aspx?etn=account&id=3b1a1c7e-4f2b-4c3d-9e8f-0a1b2c3d4e5f',
      null,
    ],
  ])('%s → %s', (href, id) => {
    const rules = compileContactRules(all, document);
    expect(contactTargetOf(link(href), rules)?.id ?? null).toBe(id);
  });

  it('reads data-cuid (the default preset) and rejects malformed ids', () => {
    const rules = compileContactRules(
      { contactRules: [], contactPresets: ['generic-cuid'] },
      document,
    );
    expect(contactTargetOf(link('#', { 'data-cuid': 'agent_42' }), rules)?.id).toBe('agent_42');
    expect(contactTargetOf(link('#', { 'data-cuid': 'has space' }), rules)).toBeNull();
    expect(contactTargetOf(link('#', { 'data-cuid': '' }), rules)).toBeNull();
  });

  it('applies only switched-on presets', () => {
    const rules = compileContactRules(
      { contactRules: [], contactPresets: ['generic-cuid'] },
      document,
    );
    expect(contactTargetOf(link('https://x.pipedrive.com/person/7'), rules)).toBeNull();
  });

  it.each<[string, ContactRule, Record<string, string>, string, string | null]>([
    [
      'attribute',
      {
        id: 'a',
        label: 'A',
        selector: '[data-user]',
        source: { type: 'attribute', name: 'data-user' },
        enabled: true,
      },
      { 'data-user': 'u-1' },
      '#',
      'u-1',
    ],
    [
      'text',
      { id: 't', label: 'T', selector: 'a.user', source: { type: 'text' }, enabled: true },
      { class: 'user' },
      '#',
      'Jane',
    ],
    [
      'href',
      {
        id: 'h',
        label: 'H',
        selector: 'a',
        source: { type: 'href', pattern: '/u/(\\w+)$' },
        enabled: true,
      },
      {},
      '/u/alice',
      'alice',
    ],
    [
      'disabled',
      {
        id: 'd',
        label: 'D',
        selector: 'a',
        source: { type: 'href', pattern: '/u/(\\w+)$' },
        enabled: false,
      },
      {},
      '/u/alice',
      null,
    ],
    [
      'bad selector',
      { id: 'b', label: 'B', selector: 'a[[', source: { type: 'text' }, enabled: true },
      {},
      '#',
      null,
    ],
    [
      'bad regex',
      { id: 'r', label: 'R', selector: 'a', source: { type: 'href', pattern: '(' }, enabled: true },
      {},
      '/u/x',
      null,
    ],
  ])('admin rule: %s', (_name, rule, attrs, href, id) => {
    const rules = compileContactRules({ contactRules: [rule], contactPresets: [] }, document);
    const el = link(href, attrs);
    if (rule.source.type === 'text') el.textContent = 'Jane';
    expect(contactTargetOf(el, rules)?.id ?? null).toBe(id);
  });
});

describe('selectionToTarget', () => {
  it.each([
    ['(415) 555-2671', 'US', { kind: 'phone', e164: '+14155552671' }],
    ['  call +44 20 7946 0958 please ', 'US', { kind: 'phone', e164: '+442079460958' }],
    ['4155552671', 'US', { kind: 'phone', e164: '+14155552671' }],
    ['(415) 555-2671 x12', 'US', { kind: 'phone', e164: '+14155552671', ext: '12' }],
    ['tel:+14155552671', 'US', { kind: 'phone', e164: '+14155552671' }],
    ['03-1234-5678', 'JP', { kind: 'phone', e164: '+81312345678' }],
    ['hello', 'US', null],
    ['2024-03-15', 'US', null],
    ['', 'US', null],
  ])('%j (%s)', (text, country, expected) => {
    expect(selectionToTarget(text, country)).toEqual(expected);
  });
});

describe('resolveDefaultCountry', () => {
  it.each<[string, string[], string]>([
    ['GB', ['en-US'], 'GB'],
    ['', ['en-US'], 'US'],
    ['', ['de-DE', 'en'], 'DE'],
    ['', ['ja'], 'JP'],
    ['', ['zh-CN'], 'CN'],
    ['', ['es-419', 'es-MX'], 'MX'],
    ['', [], 'US'],
    ['', ['not a tag'], 'US'],
  ])('%j with %j → %s', (setting, languages, expected) => {
    expect(resolveDefaultCountry(setting, languages)).toBe(expected);
  });
});
