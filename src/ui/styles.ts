// Shared CSS for our UI, used inside shadow roots (call bar) and on extension pages. Light and dark
// follow the system setting.
export const BASE_CSS = `
:host, :root { color-scheme: light dark; --c2c-bg: #ffffff; --c2c-fg: #111827; --c2c-muted: #4b5563;
  --c2c-border: #d1d5db; --c2c-accent: #15803d; --c2c-danger: #dc2626; --c2c-focus: #2563eb;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", sans-serif; }
@media (prefers-color-scheme: dark) {
  :host, :root { --c2c-bg: #1f2937; --c2c-fg: #f9fafb; --c2c-muted: #d1d5db; --c2c-border: #4b5563;
    --c2c-focus: #60a5fa; --c2c-ok-text: #4ade80; --c2c-danger-text: #fca5a5; }
}
button { font: inherit; border: 1px solid var(--c2c-border); background: var(--c2c-bg); color: var(--c2c-fg);
  border-radius: 6px; padding: 4px 10px; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 2px solid var(--c2c-focus); outline-offset: 2px; }
.c2c-panel { display: grid; gap: 6px; color: var(--c2c-fg); }
.c2c-who { display: flex; flex-direction: column; }
.c2c-number { color: var(--c2c-muted); font-variant-numeric: tabular-nums; }
.c2c-status, .c2c-dtmf { width: 0; min-width: 100%; height: 1.5em; line-height: 1.5em; overflow: hidden;
  white-space: nowrap; }
.c2c-status { display: flex; gap: 8px; align-items: baseline; }
.c2c-phase { font-weight: 600; }
.c2c-timer { font-variant-numeric: tabular-nums; }
.c2c-actions, .c2c-waiting { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.c2c-hangup { background: var(--c2c-danger); border-color: var(--c2c-danger); color: #fff; }
.c2c-answer { background: var(--c2c-accent); border-color: var(--c2c-accent); color: #fff; }
.c2c-keypad { display: grid; grid-template-columns: repeat(3, 3em); gap: 4px; }
.c2c-dtmf { display: block; font-variant-numeric: tabular-nums; color: var(--c2c-muted); text-overflow: ellipsis; }
.c2c-muted { min-width: 0; overflow: hidden; text-overflow: ellipsis; font-weight: 600; color: var(--c2c-danger-text, var(--c2c-danger)); }
.c2c-panel[data-muted] [aria-pressed="true"] { background: var(--c2c-danger); border-color: var(--c2c-danger);
  color: #fff; }
.c2c-error, .error { color: var(--c2c-danger-text, var(--c2c-danger)); margin: 0; }
.ok { color: var(--c2c-ok-text, var(--c2c-accent)); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;
