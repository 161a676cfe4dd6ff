// Full number validity (the content script gets the types from the background instead).
import '../../src/detect/numberTypesFull';
import { render } from 'preact';
import { App } from '../../src/ui/options/App';
import { mountPage } from '../../src/ui/page';
import '../../src/ui/forms.css';

mountPage('optionsTitle');
render(<App />, document.getElementById('app')!);
