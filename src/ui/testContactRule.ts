// The options page's "test this rule" box: runs one contact-ID rule over pasted HTML with the same
// code the content script uses (src/detect), in an inert document (no scripts run, nothing loads).
import { compileContactRules, contactTargetOf } from '../detect/contactRules';
import type { ContactRule } from '../settings/schema';

export type RuleTestResult =
  | { ok: true; ids: string[]; matched: number }
  | { ok: false; reason: 'invalid-selector' | 'invalid-pattern' };

export function testContactRule(
  rule: ContactRule,
  html: string,
  parser: DOMParser = new DOMParser(),
): RuleTestResult {
  const doc = parser.parseFromString(html, 'text/html');
  const [compiled] = compileContactRules(
    { contactRules: [{ ...rule, enabled: true }], contactPresets: [] },
    doc,
  );
  if (!compiled)
    return {
      ok: false,
      reason: rule.source.type === 'href' ? validSelectorOr(rule, doc) : 'invalid-selector',
    };
  const elements = [...doc.querySelectorAll(rule.selector)];
  const ids: string[] = [];
  for (const element of elements) {
    const id = contactTargetOf(element, [compiled])?.id;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return { ok: true, ids, matched: elements.length };
}

function validSelectorOr(rule: ContactRule, doc: Document): 'invalid-selector' | 'invalid-pattern' {
  try {
    doc.querySelector(rule.selector);
    return 'invalid-pattern';
  } catch {
    return 'invalid-selector';
  }
}
