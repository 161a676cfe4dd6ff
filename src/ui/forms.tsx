// Form pieces shared by our pages: a labelled field with its inline error and the policy lock note.
import type { ComponentChildren } from 'preact';
import { t } from './i18n';

export interface FieldControlProps {
  id: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}

/**
 * One labelled control. `error` is a message key (from settingsForm); `locked` shows the note that
 * the organization manages this value. The control gets the ids that tie it to both.
 */
export function Field({
  id,
  label,
  error,
  locked,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  locked?: boolean;
  hint?: string;
  children: (props: FieldControlProps) => ComponentChildren;
}) {
  const described = [
    hint ? `${id}-hint` : '',
    locked ? `${id}-locked` : '',
    error ? `${id}-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field" data-field={id} data-locked={locked ? 'true' : undefined}>
      <label for={id}>{label}</label>
      {children({
        id,
        ...(error ? { 'aria-invalid': 'true' as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {hint && (
        <span id={`${id}-hint`} class="muted hint">
          {hint}
        </span>
      )}
      {locked && <LockedNote id={`${id}-locked`} />}
      {error && (
        <span id={`${id}-error`} class="error" data-testid="field-error">
          {t(error)}
        </span>
      )}
    </div>
  );
}

export function LockedNote({ id }: { id?: string }) {
  return (
    <span id={id} class="locked-note" data-testid="locked-note">
      <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12" class="lock-icon">
        <path
          fill="currentColor"
          d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z"
        />
      </svg>
      {t('lockedByPolicy')}
    </span>
  );
}

/** Extra CSS for form pages (options, self-test). */
export const FORM_CSS = `
.field { display: grid; gap: 2px; }
.field label { font-weight: 600; }
.field input:not([type=checkbox]), .field select, .field textarea { max-width: 36em; }
.field [aria-invalid=true] { border-color: var(--c2c-danger); }
.field input[readonly], .field select:disabled { background: color-mix(in srgb, var(--c2c-border) 35%, var(--c2c-bg)); }
.hint { font-size: 12px; }
.locked-note { font-size: 12px; color: var(--c2c-muted); display: inline-flex; gap: 4px; align-items: center; }
fieldset { border: 1px solid var(--c2c-border); border-radius: 8px; display: grid; gap: 10px; padding: 10px 12px; }
legend { font-weight: 600; padding: 0 4px; }
.check { display: flex; gap: 6px; align-items: center; }
a { color: var(--c2c-focus); }
form { display: grid; gap: 12px; }
.options, .selftest { max-width: 780px; margin: 0 auto; padding: 16px; }
.options h1, .selftest h1 { font-size: 20px; } .options h2, .selftest h2 { font-size: 16px; }
.notice { border: 1px solid var(--c2c-border); border-left: 4px solid var(--c2c-focus); padding: 8px 12px;
  border-radius: 6px; margin: 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); gap: 10px; }
.mono { font-family: ui-monospace, "Noto Sans Mono", monospace; }
.savebar { position: sticky; bottom: 0; background: var(--c2c-bg); padding: 8px 0;
  border-top: 1px solid var(--c2c-border); }
.savebar p { margin: 0; }
.card { display: grid; gap: 8px; justify-items: start; }
.tester { display: grid; gap: 8px; } .tester h2 { margin-top: 4px; }
ul.sites { margin: 0; padding-left: 1.2em; display: grid; gap: 4px; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid var(--c2c-border); border-radius: 4px; padding: 1px 5px; }
td { padding: 2px 12px 2px 0; }
summary:focus-visible { outline: 2px solid var(--c2c-focus); outline-offset: 2px; }
a:focus-visible { outline: 2px solid var(--c2c-focus); outline-offset: 2px; }
`;
