import { render } from 'preact';
import { App } from './App';
import { mountPage } from '../../src/ui/page';
import { FORM_CSS } from '../../src/ui/forms';

mountPage('selfTestTitle');
const style = document.createElement('style');
style.textContent = `${FORM_CSS}
.meter { width: 100%; max-width: 360px; height: 14px; border: 1px solid var(--c2c-border); border-radius: 7px;
  overflow: hidden; background: var(--c2c-bg); }
.meter > span { display: block; height: 100%; background: var(--c2c-accent); transition: width 80ms linear; }
table.checks th { text-align: start; font-weight: 600; padding: 4px 12px 4px 0; vertical-align: top; }
table.checks td { padding: 4px 12px 4px 0; }
pre { max-height: 240px; overflow: auto; border: 1px solid var(--c2c-border); border-radius: 6px; padding: 8px;
  font-size: 12px; }
section { display: grid; gap: 8px; }
`;
document.head.append(style);
render(<App />, document.getElementById('app')!);
