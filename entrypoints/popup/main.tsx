import { render } from 'preact';
import { App } from './App';
import { mountPage } from '../../src/ui/page';

mountPage('extName');
const style = document.createElement('style');
style.textContent = `
.popup { width: 340px; }
.badge { display: inline-flex; gap: 6px; align-items: center; font-weight: 600; }
.badge .dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.agent { justify-content: space-between; margin: 0; }
.card { border: 1px solid var(--c2c-border); border-radius: 8px; padding: 8px 10px; }
.dialpad { display: grid; gap: 6px; }
.dialpad .row { flex-wrap: nowrap; }
.dialpad input { flex: 1; min-width: 0; }
.recent ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
.recent li { display: grid; grid-template-columns: 1fr auto; gap: 8px; align-items: center; }
.recent-who { min-width: 0; display: grid; }
.recent li button { white-space: nowrap; }
.small { font-size: 12px; }
.links { justify-content: space-between; }
a { color: var(--c2c-focus); }
a:focus-visible { outline: 2px solid var(--c2c-focus); outline-offset: 2px; }
p { margin: 0; }
`;
document.head.append(style);
render(<App />, document.getElementById('app')!);
