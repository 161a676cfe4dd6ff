// Common set-up for our extension pages: language, direction, shared CSS.
import { browser } from 'wxt/browser';
import { BASE_CSS } from './styles';
import { t } from './i18n';
import './page.css';

export function mountPage(titleKey?: string): void {
  document.documentElement.lang = browser.i18n.getUILanguage();
  if (titleKey) document.title = t(titleKey);
  const style = document.createElement('style');
  style.textContent = BASE_CSS;
  document.head.append(style);
}
