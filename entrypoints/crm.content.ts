import { defineContentScript } from '#imports';
import { startContentScript } from '../src/content/main';

export default defineContentScript({
  // Replaced per build mode in wxt.config.ts (`build:manifestGenerated`).
  matches: ['https://*.lightning.force.com/*'],
  runAt: 'document_start',
  // Every frame: a frame decorates itself only when all its parents are of its origin
  // (src/content/frames.ts).
  allFrames: true,
  main: (ctx) => void startContentScript(ctx.signal),
});
