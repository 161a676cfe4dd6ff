// Where a contact-ID rule reads the id: an attribute (its name), the text, or a link (its pattern).
import type { ContactRule } from '../../settings/schema';
import { Field } from '../forms';
import { t } from '../i18n';
import type { FieldErrors } from '../settingsForm';

/** `base` is the rule's field path (`contactRules.<index>`), the prefix of its ids and errors. */
export function RuleSourceFields({
  base,
  source,
  errors,
  locked,
  onChange,
}: {
  base: string;
  source: ContactRule['source'];
  errors: FieldErrors;
  locked: boolean;
  onChange(source: ContactRule['source']): void;
}) {
  return (
    <div class="grid2">
      <Field id={`${base}.source.type`} label={t('optionsRuleSource')}>
        {(props) => (
          <select
            {...props}
            disabled={locked}
            value={source.type}
            onChange={(e) => {
              const type = e.currentTarget.value;
              onChange(
                type === 'text'
                  ? { type: 'text' }
                  : type === 'href'
                    ? { type: 'href', pattern: '' }
                    : { type: 'attribute', name: '' },
              );
            }}
          >
            <option value="attribute">{t('optionsRuleSource_attribute')}</option>
            <option value="text">{t('optionsRuleSource_text')}</option>
            <option value="href">{t('optionsRuleSource_href')}</option>
          </select>
        )}
      </Field>
      {source.type !== 'text' && (
        <Field
          id={`${base}.source`}
          label={source.type === 'attribute' ? t('optionsRuleAttribute') : t('optionsRulePattern')}
          error={errors[`${base}.source`]}
          hint={source.type === 'href' ? t('optionsRulePatternHint') : undefined}
        >
          {(props) => (
            <input
              {...props}
              class="mono"
              readOnly={locked}
              value={source.type === 'attribute' ? source.name : source.pattern}
              onInput={(e) =>
                onChange(
                  source.type === 'attribute'
                    ? { type: 'attribute', name: e.currentTarget.value.trim() }
                    : { type: 'href', pattern: e.currentTarget.value },
                )
              }
            />
          )}
        </Field>
      )}
    </div>
  );
}
