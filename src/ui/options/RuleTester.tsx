// Tries a contact-ID rule or preset on HTML the admin pastes, without running any of it.
import { useState } from 'preact/hooks';
import type { ContactRule } from '../../settings/schema';
import { Field } from '../forms';
import { t } from '../i18n';
import { testContactRule, type RuleTestResult } from '../testContactRule';
import { presetLabel } from './presetLabel';

export function RuleTester({
  rules,
  presets,
}: {
  rules: ContactRule[];
  presets: readonly ContactRule[];
}) {
  const choices = [
    ...rules.map((rule, i) => ({
      value: `rule:${i}`,
      label: rule.label || t('optionsRuleHeading', String(i + 1)),
      rule,
    })),
    ...presets.map((rule) => ({ value: `preset:${rule.id}`, label: presetLabel(rule), rule })),
  ];
  const [choice, setChoice] = useState(choices[0]?.value ?? '');
  const [html, setHtml] = useState('');
  const [result, setResult] = useState<RuleTestResult | null>(null);
  const selected = choices.find((c) => c.value === choice) ?? choices[0];
  return (
    <section class="tester" aria-labelledby="tester-heading" data-testid="rule-tester">
      <h2 id="tester-heading">{t('optionsTestRule')}</h2>
      <Field id="tester-rule" label={t('optionsTestRuleWhich')}>
        {(props) => (
          <select
            {...props}
            value={selected?.value}
            onChange={(e) => {
              setChoice(e.currentTarget.value);
              setResult(null);
            }}
          >
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="tester-html" label={t('optionsTestRuleHtml')} hint={t('optionsTestRuleHtmlHint')}>
        {(props) => (
          <textarea
            {...props}
            class="mono"
            rows={5}
            value={html}
            onInput={(e) => {
              setHtml(e.currentTarget.value);
              setResult(null);
            }}
          />
        )}
      </Field>
      <div class="row">
        <button
          type="button"
          disabled={!selected}
          onClick={() => selected && setResult(testContactRule(selected.rule, html))}
        >
          {t('optionsTestRuleRun')}
        </button>
      </div>
      <div role="status" data-testid="rule-test-result">
        {result && <RuleTestOutcome result={result} />}
      </div>
    </section>
  );
}

function RuleTestOutcome({ result }: { result: RuleTestResult }) {
  if (!result.ok)
    return (
      <p class="error">
        {result.reason === 'invalid-selector'
          ? t('optionsTestRuleBadSelector')
          : t('optionsTestRuleBadPattern')}
      </p>
    );
  if (!result.ids.length)
    return (
      <p class="error">
        {result.matched
          ? t('optionsTestRuleMatchedNoId', String(result.matched))
          : t('optionsTestRuleNothing')}
      </p>
    );
  return (
    <>
      <p class="ok">{t('optionsTestRuleFound', String(result.ids.length))}</p>
      <ul>
        {result.ids.map((id) => (
          <li key={id}>
            <code>{id}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
