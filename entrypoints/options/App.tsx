import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CONTACT_PRESETS } from '../../src/detect/contactRules';
import type { ContactRule, Settings } from '../../src/settings/schema';
import {
  loadSettings,
  saveSettings,
  SETTINGS_KEY,
  type LoadedSettings,
} from '../../src/settings/storage';
import { CRM_MATCHES } from '../../src/settings/sites';
import { Field, LockedNote } from '../../src/ui/forms';
import { t } from '../../src/ui/i18n';
import {
  exportSettings,
  parseSettingsImport,
  validateSettings,
  type FieldErrors,
} from '../../src/ui/settingsForm';
import { testContactRule, type RuleTestResult } from '../../src/ui/testContactRule';

type Key = keyof Settings;
type Status = { kind: 'ok' | 'error'; key: string; detail?: string };

export function App() {
  const [loaded, setLoaded] = useState<LoadedSettings | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status | null>(null);
  const dirty = useRef(false);

  const reload = async () => {
    const next = await loadSettings();
    setLoaded(next);
    setDraft((current) => {
      if (!current || !dirty.current) return next.settings;
      // Keep the agent's unsaved edits, but policy values always show what the organization set.
      const merged = { ...current } as Record<Key, unknown>;
      for (const key of next.locked) merged[key] = next.settings[key];
      return merged as Settings;
    });
  };

  useEffect(() => {
    void reload();
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'managed' || (area === 'local' && SETTINGS_KEY in changes)) void reload();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  if (!loaded || !draft) return <main aria-busy="true">…</main>;
  const locked = (key: Key) => loaded.locked.includes(key);

  const change = (next: Settings) => {
    dirty.current = true;
    setDraft(next);
    setStatus(null);
    const result = validateSettings(next);
    setErrors(result.ok ? {} : result.errors);
  };
  const set = <K extends Key>(key: K, value: Settings[K]) => change({ ...draft, [key]: value });

  const persist = async (settings: Settings, okKey = 'optionsSaved') => {
    try {
      const saved = await saveSettings(settings);
      dirty.current = false;
      setLoaded(saved);
      setDraft(saved.settings);
      setStatus({ kind: 'ok', key: okKey });
    } catch (error) {
      setStatus({ kind: 'error', key: 'optionsSaveFailed', detail: String(error) });
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    const result = validateSettings(draft);
    if (!result.ok) {
      setErrors(result.errors);
      setStatus({ kind: 'error', key: 'optionsFixErrors' });
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
      return;
    }
    // Host permissions must be asked for inside the click: request them before anything awaits.
    const sites = locked('sites') ? [] : result.settings.sites;
    const granted = sites.length
      ? browser.permissions.request({ origins: sites })
      : Promise.resolve(true);
    void granted.then(
      (ok) =>
        ok
          ? persist(result.settings)
          : setStatus({ kind: 'error', key: 'optionsSitePermissionDenied' }),
      (error: unknown) =>
        setStatus({ kind: 'error', key: 'optionsSaveFailed', detail: String(error) }),
    );
  };

  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      {loaded.locked.length > 0 && (
        <p class="notice" data-testid="policy-notice">
          {t('optionsManagedNotice')}
        </p>
      )}
      {loaded.problems.length > 0 && (
        <div class="notice error" role="alert">
          <p>{t('optionsPolicyProblems')}</p>
          <ul>
            {loaded.problems.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={save} noValidate aria-describedby="options-status">
        <fieldset>
          <legend>{t('optionsConnection')}</legend>
          <Field
            id="backendUrl"
            label={t('backendUrl')}
            error={errors.backendUrl}
            locked={locked('backendUrl')}
            hint={t('optionsBackendUrlHint')}
          >
            {(props) => (
              <input
                {...props}
                name="backendUrl"
                type="url"
                readOnly={locked('backendUrl')}
                value={draft.backendUrl}
                onInput={(e) => set('backendUrl', e.currentTarget.value.trim())}
              />
            )}
          </Field>
          <Field
            id="provider"
            label={t('optionsProvider')}
            error={errors.provider}
            locked={locked('provider')}
          >
            {(props) => (
              <select
                {...props}
                name="provider"
                disabled={locked('provider')}
                value={draft.provider}
                onChange={(e) => set('provider', e.currentTarget.value as Settings['provider'])}
              >
                <option value="builtin">{t('providerName_builtin')}</option>
                <option value="vonage">{t('providerName_vonage')}</option>
                <option value="clevertap">{t('providerName_clevertap')}</option>
              </select>
            )}
          </Field>
          {draft.provider === 'vonage' && (
            <VonageSettings
              value={draft.vonage}
              locked={locked('vonage')}
              onChange={(v) => set('vonage', v)}
            />
          )}
          {draft.provider === 'clevertap' && (
            <Field
              id="clevertap.callContext"
              label={t('optionsCallContext')}
              error={errors['clevertap.callContext']}
              locked={locked('clevertap')}
              hint={t('optionsCallContextHint')}
            >
              {(props) => (
                <input
                  {...props}
                  name="callContext"
                  maxLength={64}
                  readOnly={locked('clevertap')}
                  value={draft.clevertap.callContext}
                  onInput={(e) => set('clevertap', { callContext: e.currentTarget.value })}
                />
              )}
            </Field>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('optionsCalling')}</legend>
          <Field
            id="defaultCountry"
            label={t('optionsDefaultCountry')}
            error={errors.defaultCountry}
            locked={locked('defaultCountry')}
            hint={t('optionsDefaultCountryHint')}
          >
            {(props) => (
              <input
                {...props}
                name="defaultCountry"
                size={4}
                maxLength={2}
                autocomplete="country"
                readOnly={locked('defaultCountry')}
                value={draft.defaultCountry}
                onInput={(e) => set('defaultCountry', e.currentTarget.value.trim())}
              />
            )}
          </Field>
          <div class="field" data-locked={locked('callWaiting') ? 'true' : undefined}>
            <label class="check">
              <input
                type="checkbox"
                name="callWaiting"
                disabled={locked('callWaiting')}
                checked={draft.callWaiting}
                onChange={(e) => set('callWaiting', e.currentTarget.checked)}
              />
              {t('optionsCallWaiting')}
            </label>
            {locked('callWaiting') && <LockedNote />}
          </div>
        </fieldset>

        <SitesEditor
          sites={draft.sites}
          errors={errors}
          locked={locked('sites')}
          onChange={(sites) => set('sites', sites)}
          onAdded={(sites) => {
            const next = { ...draft, sites };
            change(next);
            const result = validateSettings(next);
            if (result.ok) void persist(result.settings, 'optionsSiteAdded');
            else setStatus({ kind: 'error', key: 'optionsFixErrors' });
          }}
        />

        <ContactRulesEditor
          rules={draft.contactRules}
          presets={draft.contactPresets}
          errors={errors}
          rulesLocked={locked('contactRules')}
          presetsLocked={locked('contactPresets')}
          onRules={(rules) => set('contactRules', rules)}
          onPresets={(presets) => set('contactPresets', presets)}
        />

        <div class="row savebar">
          <button class="primary" type="submit">
            {t('optionsSave')}
          </button>
          <p
            id="options-status"
            role="status"
            data-testid="options-status"
            data-kind={status?.kind ?? ''}
            class={status?.kind === 'error' ? 'error' : 'ok'}
          >
            {status ? t(status.key) : ''}
          </p>
        </div>
      </form>

      <Shortcuts />

      <Backup
        settings={loaded.settings}
        onImport={(imported) => {
          const next = { ...imported } as Record<Key, unknown>;
          for (const key of loaded.locked) next[key] = loaded.settings[key];
          change(next as Settings);
          setStatus({ kind: 'ok', key: 'optionsImported' });
        }}
        onError={(key) => setStatus({ kind: 'error', key })}
      />
    </main>
  );
}

function VonageSettings({
  value,
  locked,
  onChange,
}: {
  value: Settings['vonage'];
  locked: boolean;
  onChange(value: Settings['vonage']): void;
}) {
  return (
    <fieldset data-locked={locked ? 'true' : undefined}>
      <legend>{t('providerName_vonage')}</legend>
      {locked && <LockedNote />}
      <Field id="vonage.region" label={t('optionsVonageRegion')}>
        {(props) => (
          <select
            {...props}
            name="vonageRegion"
            disabled={locked}
            value={value.region}
            onChange={(e) =>
              onChange({ ...value, region: e.currentTarget.value as Settings['vonage']['region'] })
            }
          >
            <option value="US">{t('vonageRegion_US')}</option>
            <option value="EU">{t('vonageRegion_EU')}</option>
            <option value="AP">{t('vonageRegion_AP')}</option>
          </select>
        )}
      </Field>
      <label class="check">
        <input
          type="checkbox"
          name="vonageTelemetry"
          disabled={locked}
          checked={value.telemetry}
          onChange={(e) => onChange({ ...value, telemetry: e.currentTarget.checked })}
        />
        {t('optionsVonageTelemetry')}
      </label>
    </fieldset>
  );
}

function SitesEditor({
  sites,
  errors,
  locked,
  onChange,
  onAdded,
}: {
  sites: string[];
  errors: FieldErrors;
  locked: boolean;
  onChange(sites: string[]): void;
  onAdded(sites: string[]): void;
}) {
  const [pattern, setPattern] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Sites saved earlier or set by policy may still lack the browser's access grant.
  const [missingAccess, setMissingAccess] = useState(false);
  const valid = sites.filter((site) => validateSettings({ sites: [site] }).ok);
  const key = valid.join('\n');
  useEffect(() => {
    if (!valid.length) return setMissingAccess(false);
    void browser.permissions.contains({ origins: valid }).then(
      (ok) => setMissingAccess(!ok),
      () => setMissingAccess(false),
    );
  }, [key]);
  const add = () => {
    const value = pattern.trim();
    const result = validateSettings({ sites: [value] });
    if (!value || (!result.ok && result.errors['sites.0'])) {
      setError('settingsInvalid_sites');
      return;
    }
    if (sites.includes(value)) {
      setError('optionsSiteDuplicate');
      return;
    }
    setError(null);
    // Inside the click: Chrome only shows the permission prompt for a user gesture.
    browser.permissions.request({ origins: [value] }).then(
      (granted) => {
        if (!granted) {
          setError('optionsSitePermissionDenied');
          return;
        }
        setPattern('');
        onAdded([...sites, value]);
      },
      () => setError('settingsInvalid_sites'),
    );
  };
  return (
    <fieldset data-locked={locked ? 'true' : undefined}>
      <legend>{t('optionsSites')}</legend>
      <p class="muted">{t('optionsSitesHelp')}</p>
      <details>
        <summary>{t('optionsSitesBuiltIn')}</summary>
        <ul>
          {CRM_MATCHES.map((m) => (
            <li key={m}>
              <code>{m}</code>
            </li>
          ))}
        </ul>
      </details>
      {locked && <LockedNote />}
      {missingAccess && (
        <div class="notice row" role="status" data-testid="sites-need-access">
          <span>{t('optionsSitesNeedAccess')}</span>
          <button
            type="button"
            onClick={() =>
              // Inside the click, before any await: Chrome only prompts for a user gesture.
              void browser.permissions.request({ origins: valid }).then(
                (granted) => setMissingAccess(!granted),
                () => undefined,
              )
            }
          >
            {t('optionsSitesAllowAccess')}
          </button>
        </div>
      )}
      <ul class="sites" aria-label={t('optionsSites')} data-testid="sites">
        {sites.map((site, i) => (
          <li key={site} class="row">
            <code>{site}</code>
            {errors[`sites.${i}`] && <span class="error">{t(errors[`sites.${i}`]!)}</span>}
            {!locked && (
              <button
                type="button"
                aria-label={t('optionsRemoveSite', site)}
                onClick={() => onChange(sites.filter((s) => s !== site))}
              >
                {t('remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {!locked && (
        <div class="row">
          <Field id="newSite" label={t('optionsAddSiteLabel')} error={error ?? undefined}>
            {(props) => (
              <input
                {...props}
                name="newSite"
                placeholder="https://crm.example.com/*"
                value={pattern}
                onInput={(e) => setPattern(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add();
                  }
                }}
              />
            )}
          </Field>
          <button type="button" onClick={add}>
            {t('optionsAddSite')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

const NEW_RULE: ContactRule = {
  id: '',
  label: '',
  selector: '',
  source: { type: 'attribute', name: '' },
  enabled: true,
};

function ContactRulesEditor({
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

function presetLabel(preset: ContactRule): string {
  const key = `preset_${preset.id.replace(/-/g, '_')}`;
  const translated = t(key);
  return translated === key ? preset.label : translated;
}

function RuleEditor({
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
  const source = rule.source;
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
      <div class="grid2">
        <Field id={`${base}.source.type`} label={t('optionsRuleSource')}>
          {(props) => (
            <select
              {...props}
              disabled={locked}
              value={source.type}
              onChange={(e) => {
                const type = e.currentTarget.value;
                onChange({
                  source:
                    type === 'text'
                      ? { type: 'text' }
                      : type === 'href'
                        ? { type: 'href', pattern: '' }
                        : { type: 'attribute', name: '' },
                });
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
            label={
              source.type === 'attribute' ? t('optionsRuleAttribute') : t('optionsRulePattern')
            }
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
                  onChange({
                    source:
                      source.type === 'attribute'
                        ? { type: 'attribute', name: e.currentTarget.value.trim() }
                        : { type: 'href', pattern: e.currentTarget.value },
                  })
                }
              />
            )}
          </Field>
        )}
      </div>
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

function RuleTester({ rules, presets }: { rules: ContactRule[]; presets: readonly ContactRule[] }) {
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
        {result &&
          (result.ok ? (
            result.ids.length ? (
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
            ) : (
              <p class="error">
                {result.matched
                  ? t('optionsTestRuleMatchedNoId', String(result.matched))
                  : t('optionsTestRuleNothing')}
              </p>
            )
          ) : (
            <p class="error">
              {result.reason === 'invalid-selector'
                ? t('optionsTestRuleBadSelector')
                : t('optionsTestRuleBadPattern')}
            </p>
          ))}
      </div>
    </section>
  );
}

function Shortcuts() {
  const [commands, setCommands] = useState<
    { name?: string; description?: string; shortcut?: string }[]
  >([]);
  useEffect(() => {
    void browser.commands.getAll().then(setCommands);
  }, []);
  return (
    <section aria-labelledby="shortcuts-heading" class="card">
      <h2 id="shortcuts-heading">{t('optionsShortcuts')}</h2>
      <table data-testid="shortcuts">
        <tbody>
          {commands
            .filter((c) => c.name && c.name !== '_execute_action')
            .map((c) => (
              <tr key={c.name}>
                <td>{c.description}</td>
                <td>
                  {c.shortcut ? (
                    <kbd>{c.shortcut}</kbd>
                  ) : (
                    <span class="muted">{t('optionsShortcutNone')}</span>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => void browser.tabs.create({ url: 'chrome://extensions/shortcuts' })}
      >
        {t('optionsChangeShortcuts')}
      </button>
    </section>
  );
}

function Backup({
  settings,
  onImport,
  onError,
}: {
  settings: Settings;
  onImport(settings: Settings): void;
  onError(key: string): void;
}) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <section aria-labelledby="backup-heading" class="card">
      <h2 id="backup-heading">{t('optionsBackup')}</h2>
      <p class="muted">{t('optionsBackupHelp')}</p>
      <div class="row">
        <button
          type="button"
          onClick={() => {
            const url = URL.createObjectURL(
              new Blob([exportSettings(settings)], { type: 'application/json' }),
            );
            const a = document.createElement('a');
            a.href = url;
            a.download = 'click-to-call-settings.json';
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          }}
        >
          {t('optionsExport')}
        </button>
        <button type="button" onClick={() => file.current?.click()}>
          {t('optionsImport')}
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={async (e) => {
            const chosen = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (!chosen) return;
            const result = parseSettingsImport(await chosen.text());
            if (result.ok) onImport(result.settings);
            else onError('file' in result.errors ? result.errors.file! : 'optionsImportInvalid');
          }}
        />
      </div>
    </section>
  );
}
