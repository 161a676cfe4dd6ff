import { render } from 'preact';
import { App } from '../../src/ui/onboarding/App';
import { mountPage } from '../../src/ui/page';

mountPage('onboardingTitle');
render(
  <App reason={new URLSearchParams(location.search).get('reason')} />,
  document.getElementById('app')!,
);
