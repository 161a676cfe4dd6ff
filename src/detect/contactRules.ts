// Contact-ID rules: admin rules from settings plus the shipped presets for the supported CRMs.
import type { ContactRule, Settings } from '../settings/schema';
import { CONTACT_ID } from '../contract/ids';
import type { Target } from '../contract/target';

export type ContactTarget = Extract<Target, { kind: 'contact' }>;

const SALESFORCE_RECORD = '(?:[a-zA-Z0-9]{18}|[a-zA-Z0-9]{15})';

/** Shipped presets; `settings.contactPresets` lists the ids that are switched on. */
export const CONTACT_PRESETS: readonly ContactRule[] = [
  {
    id: 'salesforce',
    label: 'Salesforce contact or lead',
    selector: 'a[href*="/lightning/r/Contact/"], a[href*="/lightning/r/Lead/"]',
    source: { type: 'href', pattern: `/lightning/r/(?:Contact|Lead)/(${SALESFORCE_RECORD})/view` },
    enabled: true,
  },
  {
    id: 'hubspot',
    label: 'HubSpot contact',
    selector:
      'a[href*="/contacts/"][href*="/record/0-1/"], a[href*="/contacts/"][href*="/contact/"]',
    source: { type: 'href', pattern: '/contacts/\\d+/(?:record/0-1|contact)/(\\d+)(?:[/?#]|$)' },
    enabled: true,
  },
  {
    id: 'zoho',
    label: 'Zoho CRM contact or lead',
    selector: 'a[href*="/tab/Contacts/"], a[href*="/tab/Leads/"]',
    source: { type: 'href', pattern: '/tab/(?:Contacts|Leads)/(\\d{6,25})(?:[/?#]|$)' },
    enabled: true,
  },
  {
    id: 'pipedrive',
    label: 'Pipedrive person',
    selector: 'a[href*="/person/"]',
    source: { type: 'href', pattern: '/person/(\\d+)(?:[/?#]|$)' },
    enabled: true,
  },
  {
    id: 'dynamics',
    label: 'Dynamics 365 contact or lead',
    selector: 'a[href*="etn=contact"], a[href*="etn=lead"]',
    source: {
      type: 'href',
      pattern:
        '[?&]id=(?:%7[Bb]|\\{)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
    },
    enabled: true,
  },
  {
    id: 'generic-cuid',
    label: 'Contact (data-cuid)',
    selector: '[data-cuid]',
    source: { type: 'attribute', name: 'data-cuid' },
    enabled: true,
  },
];

export interface CompiledContactRule {
  rule: ContactRule;
  read(element: Element): string | null;
}

/** Whether `selector` is a CSS selector this browser accepts. */
function isValidSelector(selector: string, doc: Document | undefined): boolean {
  if (!doc) return true;
  try {
    doc.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}

/** The active rules (admin rules first, then switched-on presets); invalid ones are dropped. */
export function compileContactRules(
  settings: Pick<Settings, 'contactRules' | 'contactPresets'>,
  doc?: Document,
): CompiledContactRule[] {
  const rules = [
    ...settings.contactRules.filter((r) => r.enabled !== false),
    ...CONTACT_PRESETS.filter((p) => settings.contactPresets.includes(p.id)),
  ];
  const out: CompiledContactRule[] = [];
  for (const rule of rules) {
    if (!isValidSelector(rule.selector, doc)) continue;
    const source = rule.source;
    let read: (el: Element) => string | null;
    if (source.type === 'attribute') read = (el) => el.getAttribute(source.name);
    else if (source.type === 'text') read = (el) => el.textContent;
    else {
      let re: RegExp;
      try {
        re = new RegExp(source.pattern);
      } catch {
        continue;
      }
      read = (el) => {
        const href = el.getAttribute('href');
        return href === null ? null : (re.exec(href)?.[1] ?? null);
      };
    }
    out.push({
      rule,
      read: (el) => {
        const id = read(el)?.trim() ?? '';
        return CONTACT_ID.test(id) ? id : null;
      },
    });
  }
  return out;
}

/** The contact target of `element` under the first rule whose selector it matches. */
export function contactTargetOf(
  element: Element,
  rules: readonly CompiledContactRule[],
): ContactTarget | null {
  for (const { rule, read } of rules) {
    if (!element.matches(rule.selector)) continue;
    const id = read(element);
    if (id) return { kind: 'contact', id, label: rule.label };
  }
  return null;
}
