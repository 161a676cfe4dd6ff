// The softphone page's entry: a browser "phone line" for the built-in provider.
import { render } from 'preact';
import { App } from './App';

render(<App />, document.getElementById('app')!);
