import { render } from 'preact';
import { App } from '../../src/ui/options/App';
import { mountPage } from '../../src/ui/page';
import '../../src/ui/forms.css';

mountPage('optionsTitle');
render(<App />, document.getElementById('app')!);
