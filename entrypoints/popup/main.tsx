import { render } from 'preact';
import { App } from './App';
import { mountPage } from '../../src/ui/page';

mountPage();
render(<App />, document.getElementById('app')!);
