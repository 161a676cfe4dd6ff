// A labelled input with its inline error (a locale key from the shared schemas), for console forms.
import { t } from './i18n';

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  type?: 'text' | 'password' | 'date';
  placeholder?: string;
}) {
  return (
    <div class="field" data-field={props.id}>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autocomplete="off"
        spellcheck={false}
        {...(props.error
          ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${props.id}-error` }
          : {})}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.error && (
        <span id={`${props.id}-error`} class="error">
          {t(props.error)}
        </span>
      )}
    </div>
  );
}
