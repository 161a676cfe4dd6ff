// Common set-up for our extension pages: language, direction, shared CSS.
import { browser } from 'wxt/browser';
import { BASE_CSS } from './styles';
import { t } from './i18n';

export function mountPage(titleKey?: string): void {
  document.documentElement.lang = browser.i18n.getUILanguage();
  if (titleKey) document.title = t(titleKey);
  const style = document.createElement('style');
  style.textContent = BASE_CSS + PAGE_CSS;
  document.head.append(style);
}

const PAGE_CSS = `
/* Chrome gives extension pages body { font-size: 75% }: use our type scale instead. */
body { margin: 0; background: var(--c2c-bg); color: var(--c2c-fg); font: inherit; }
main { padding: 12px 14px; display: grid; gap: 12px; }
h1 { font-size: 16px; margin: 0; } h2 { font-size: 14px; margin: 0; }
label { display: grid; gap: 2px; }
input, select, textarea { font: inherit; padding: 4px 6px; border: 1px solid var(--c2c-border); border-radius: 6px;
  background: var(--c2c-bg); color: var(--c2c-fg); }
.row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.muted { color: var(--c2c-muted); }
.error { color: var(--c2c-danger-text, var(--c2c-danger)); }
.ok { color: var(--c2c-ok-text, var(--c2c-accent)); }
.primary { background: var(--c2c-accent); border-color: var(--c2c-accent); color: #fff; }
`;
