// Contact IDs: the shipped presets to switch on, the admin's own rules, and the rule tester.
import { CONTACT_PRESETS } from '../../detect/contactRules';
import type { ContactRule } from '../../settings/schema';
import { LockedNote } from '../forms';
import { t } from '../i18n';
import type { FieldErrors } from '../settingsForm';
import { presetLabel } from './presetLabel';
import { RuleEditor } from './RuleEditor';
import { RuleTester } from './RuleTester';

const NEW_RULE: ContactRule = {
  id: '',
  label: '',
  selector: '',
  source: { type: 'attribute', name: '' },
  enabled: true,
};

export function ContactRulesEditor({
  rules,
  presets,
  errors,
  rulesLocked,
  presetsLocked,
  onRules,
  onPresets,
}: {
  rules: ContactRule[];
  presets: string[];
  errors: FieldErrors;
  rulesLocked: boolean;
  presetsLocked: boolean;
  onRules(rules: ContactRule[]): void;
  onPresets(presets: string[]): void;
}) {
  const update = (index: number, patch: Partial<ContactRule>) =>
    onRules(rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)));
  return (
    <fieldset>
      <legend>{t('optionsContactIds')}</legend>
      <p class="muted">{t('optionsContactIdsHelp')}</p>
      <fieldset data-locked={presetsLocked ? 'true' : undefined}>
        <legend>{t('optionsPresets')}</legend>
        {presetsLocked && <LockedNote />}
        {CONTACT_PRESETS.map((preset) => (
          <label class="check" key={preset.id}>
            <input
              type="checkbox"
              name={`preset-${preset.id}`}
              disabled={presetsLocked}
              checked={presets.includes(preset.id)}
              onChange={(e) =>
                onPresets(
                  e.currentTarget.checked
                    ? [...presets, preset.id]
                    : presets.filter((p) => p !== preset.id),
                )
              }
            />
            {presetLabel(preset)}
          </label>
        ))}
      </fieldset>
      {rulesLocked && <LockedNote />}
      {rules.map((rule, i) => (
        <RuleEditor
          key={i}
          index={i}
          rule={rule}
          errors={errors}
          locked={rulesLocked}
          onChange={(patch) => update(i, patch)}
          onRemove={() => onRules(rules.filter((_, j) => j !== i))}
        />
      ))}
      {!rulesLocked && (
        <div class="row">
          <button
            type="button"
            onClick={() => {
              onRules([...rules, { ...NEW_RULE, id: `rule-${rules.length + 1}` }]);
              setTimeout(() =>
                document.getElementById(`contactRules.${rules.length}.label`)?.focus(),
              );
            }}
          >
            {t('optionsAddRule')}
          </button>
        </div>
      )}
      <RuleTester rules={rules} presets={CONTACT_PRESETS} />
    </fieldset>
  );
}
