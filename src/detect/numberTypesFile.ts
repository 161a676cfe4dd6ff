// The number types (numberTypes.ts) as a packaged file the content script fetches at start
// (wxt.config.ts writes it and lists it as a web-accessible resource, behind Chrome's per-session
// dynamic URL): CRM pages do not load their ~22 KB gzip with the script, and the content script does
// not wait for the background, which may still be starting (first install, browser start).
export const NUMBER_TYPES_FILE = 'number-types.json';
