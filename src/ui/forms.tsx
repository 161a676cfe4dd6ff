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
