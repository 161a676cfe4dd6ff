// Import rules for `npm run lint:cycles` (dependency-cruiser): no module may import itself back,
// type-only imports included (a circle of types is still a circle a reader has to hold in their head).

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'This import closes a circle of imports: make the dependencies point one way.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'content-script-without-number-types',
      severity: 'error',
      comment:
        'The content script fetches the number types as a packaged file (numberTypesFile.ts): bundling them adds ~22 KB gzip to every CRM page.',
      from: { path: '^entrypoints/crm\\.content\\.ts$' },
      to: { path: '^src/detect/numberTypes(Full)?\\.ts$', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.output|\\.wxt|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
