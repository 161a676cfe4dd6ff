import { render } from 'preact';
import { App } from '../../src/ui/selftest/App';
import { mountPage } from '../../src/ui/page';
import '../../src/ui/forms.css';
import '../../src/ui/selftest/selftest.css';

mountPage('selfTestTitle');
render(<App />, document.getElementById('app')!);
