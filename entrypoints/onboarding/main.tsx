import { render } from 'preact';
import { App } from '../../src/ui/onboarding/App';
import { chooseMicrophonePrompt } from '../../src/ui/microphoneAccess';
import { mountPage } from '../../src/ui/page';

mountPage('onboardingTitle');
render(
  <App
    reason={new URLSearchParams(location.search).get('reason')}
    prompt={chooseMicrophonePrompt()}
  />,
  document.getElementById('app')!,
);
