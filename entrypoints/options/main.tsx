import { render } from 'preact';
import { App } from './App';
import { mountPage } from '../../src/ui/page';
import { FORM_CSS } from '../../src/ui/forms';

mountPage('optionsTitle');
const style = document.createElement('style');
style.textContent = FORM_CSS;
document.head.append(style);
render(<App />, document.getElementById('app')!);
