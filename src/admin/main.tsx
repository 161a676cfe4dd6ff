// The admin console page (served by the backend at /admin): the extension pages' look, then the app.
import { render } from 'preact';
import pageCss from '../ui/page.css';
import formsCss from '../ui/forms.css';
import { BASE_CSS } from '../ui/styles';
import adminCss from './admin.css';
import reportsCss from './reports/reports.css';
import { App } from './App';
import { language, t } from './i18n';

document.documentElement.lang = language.replace('_', '-');
document.title = t('adminTitle');
const style = document.createElement('style');
style.textContent = [BASE_CSS, pageCss, formsCss, adminCss, reportsCss].join('\n');
document.head.append(style);
render(<App />, document.getElementById('app')!);
