import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { EXTENSION_PUBLIC_KEY, FIREFOX_EXTENSION_ID } from './src/extensionKey';
import { CRM_MATCHES, DEMO_MATCHES } from './src/settings/sites';
import { mergeAll } from './src/locales/merge';
import { NUMBER_TYPES } from './src/detect/numberTypes';
import { NUMBER_TYPES_FILE } from './src/detect/numberTypesFile';

// `--mode demo` and `--mode test` builds also run on the local demo CRM page.
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  publicDir: 'public',
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    build: { target: 'chrome120' },
  }),
  // `-b firefox --mv3`: no offscreen API (the call runs in a small extension window), a gecko id
  // instead of Chrome's key.
  manifest: ({ mode, browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: FIREFOX_EXTENSION_ID,
              strict_min_version: '140.0',
              // Call audio and the numbers dialled go to the organisation's backend and provider.
              data_collection_permissions: { required: ['personalCommunications'] },
            },
          },
        }
      : { key: EXTENSION_PUBLIC_KEY, minimum_chrome_version: '116' }),
    permissions: [
      'storage',
      ...(browser === 'firefox' ? [] : ['offscreen']),
      'notifications',
      'contextMenus',
      'scripting',
      'alarms',
      'idle',
    ],
    host_permissions: mode === 'production' ? [] : DEMO_MATCHES,
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    storage: { managed_schema: 'managed_schema.json' },
    commands: {
      'hang-up': {
        description: '__MSG_commandHangUp__',
        suggested_key: { default: 'Alt+Shift+H' },
      },
      'toggle-mute': {
        description: '__MSG_commandToggleMute__',
        suggested_key: { default: 'Alt+Shift+M' },
      },
      // Not Alt+Shift+A: Chrome keeps that for "focus inactive dialogs" and drops the suggestion.
      answer: { description: '__MSG_commandAnswer__', suggested_key: { default: 'Alt+Shift+Y' } },
      // No suggested key: Chrome suggests four at most, and the call controls matter more.
      'cycle-presence': { description: '__MSG_commandCyclePresence__' },
    },
    // Only the number types the content script fetches (public libphonenumber data). Chrome serves it
    // at a per-session dynamic URL only runtime.getURL knows, so pages cannot probe for the extension;
    // Firefox's moz-extension origin is already random per install.
    web_accessible_resources: [
      {
        resources: [NUMBER_TYPES_FILE],
        matches: ['https://*/*', 'http://*/*'],
        ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
      },
    ],
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push({ relativeDest: NUMBER_TYPES_FILE, contents: JSON.stringify(NUMBER_TYPES) });
      for (const [lang, messages] of Object.entries(mergeAll('src/locales'))) {
        files.push({
          relativeDest: `_locales/${lang}/messages.json`,
          contents: JSON.stringify(messages, null, 1),
        });
      }
    },
    'build:manifestGenerated': (wxt, manifest) => {
      // Content-script matches depend on the build mode: only demo/test builds touch localhost.
      const demo = wxt.config.mode !== 'production';
      for (const cs of manifest.content_scripts ?? []) {
        cs.matches = demo ? [...CRM_MATCHES, ...DEMO_MATCHES] : [...CRM_MATCHES];
      }
    },
  },
});
