import { render } from 'preact';
import { App } from '../../src/ui/popup/App';
import { mountPage } from '../../src/ui/page';
import '../../src/ui/popup/popup.css';

mountPage('extName');
render(<App />, document.getElementById('app')!);
