// The esbuild options for the browser pages the backend serves (softphone, admin console): one object
// for the production build (scripts/build-backend.mjs) and the in-memory build from source.
/** @type {import('esbuild').BuildOptions} */
export const PAGE_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The pages inline our shared CSS (src/ui/*.css) as text in a <style>.
  loader: { '.css': 'text' },
  minify: true,
  legalComments: 'none',
};
