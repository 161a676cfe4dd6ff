// One contact-ID rule: its label, id, CSS selector, where the id comes from, on or off.
import type { ContactRule } from '../../settings/schema';
import { Field } from '../forms';
import { t } from '../i18n';
import type { FieldErrors } from '../settingsForm';
import { RuleSourceFields } from './RuleSourceFields';

export function RuleEditor({
  index,
  rule,
  errors,
  locked,
  onChange,
  onRemove,
}: {
  index: number;
  rule: ContactRule;
  errors: FieldErrors;
  locked: boolean;
  onChange(patch: Partial<ContactRule>): void;
  onRemove(): void;
}) {
  const base = `contactRules.${index}`;
  return (
    <fieldset class="rule" data-testid="rule">
      <legend>{t('optionsRuleHeading', String(index + 1))}</legend>
      <div class="grid2">
        <Field id={`${base}.label`} label={t('optionsRuleLabel')} error={errors[`${base}.label`]}>
          {(props) => (
            <input
              {...props}
              readOnly={locked}
              value={rule.label}
              onInput={(e) => onChange({ label: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field id={`${base}.id`} label={t('optionsRuleId')} error={errors[`${base}.id`]}>
          {(props) => (
            <input
              {...props}
              readOnly={locked}
              value={rule.id}
              onInput={(e) => onChange({ id: e.currentTarget.value.trim() })}
            />
          )}
        </Field>
      </div>
      <Field
        id={`${base}.selector`}
        label={t('optionsRuleSelector')}
        error={errors[`${base}.selector`]}
        hint={t('optionsRuleSelectorHint')}
      >
        {(props) => (
          <input
            {...props}
            class="mono"
            readOnly={locked}
            value={rule.selector}
            onInput={(e) => onChange({ selector: e.currentTarget.value })}
          />
        )}
      </Field>
      <RuleSourceFields
        base={base}
        source={rule.source}
        errors={errors}
        locked={locked}
        onChange={(source) => onChange({ source })}
      />
      <div class="row">
        <label class="check">
          <input
            type="checkbox"
            disabled={locked}
            checked={rule.enabled}
            onChange={(e) => onChange({ enabled: e.currentTarget.checked })}
          />
          {t('optionsRuleEnabled')}
        </label>
        {!locked && (
          <button
            type="button"
            aria-label={t('optionsRemoveRule', rule.label || String(index + 1))}
            onClick={onRemove}
          >
            {t('remove')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
