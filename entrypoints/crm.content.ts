import { defineContentScript } from '#imports';
import { startContentScript } from '../src/content/main';

export default defineContentScript({
  // Replaced per build mode in wxt.config.ts (`build:manifestGenerated`).
  matches: ['https://*.lightning.force.com/*'],
  runAt: 'document_start',
  main: (ctx) => void startContentScript(ctx.signal),
});
