// `npm run build:backend [folder]` (also run by `npm install` and `npm run build`): bundles the backend and the
// admin CLI into plain JavaScript in .output/backend/, and the pages the backend serves into
// .output/softphone/, .output/admin/ and .output/demo/, so production starts with `node` alone (no TypeScript
// transpiler at run time). The layout mirrors backend/: a bundle in .output/backend/ finds
// `../softphone/` and `../demo/` as the sources in backend/routes/ do. (.output also holds WXT's
// chrome-mv3*/firefox-mv2* folders; only ours are replaced here.)
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { PAGE_BUNDLE_OPTIONS } from './pageBundle.mjs';

// Another folder inside the project may be given (tests build their own copy); node_modules must be
// reachable from it.
const OUT = process.argv[2] ?? '.output';

for (const dir of ['backend', 'softphone', 'admin', 'demo'])
  rmSync(`${OUT}/${dir}`, { recursive: true, force: true });
await Promise.all([
  build({
    entryPoints: ['backend/server.ts', 'backend/admin.ts'],
    outdir: `${OUT}/backend`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // One file loads several times faster than hundreds of ESM modules; what cannot be bundled
    // (native better-sqlite3, pg's optional native driver, ws's optional add-ons) loads from
    // node_modules, and CommonJS dependencies get a `require`.
    external: ['better-sqlite3', 'pg', 'esbuild', 'bufferutil', 'utf-8-validate'],
    banner: {
      js: "import { createRequire as __c2cRequire } from 'node:module'; const require = __c2cRequire(import.meta.url);",
    },
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  }),
  build({
    ...PAGE_BUNDLE_OPTIONS,
    entryPoints: ['backend/softphone/main.tsx'],
    outfile: `${OUT}/softphone/app.js`,
    logLevel: 'warning',
  }),
  build({
    ...PAGE_BUNDLE_OPTIONS,
    entryPoints: ['src/admin/main.tsx'],
    outfile: `${OUT}/admin/app.js`,
    logLevel: 'warning',
  }),
]);
mkdirSync(`${OUT}/demo`, { recursive: true });
copyFileSync('backend/demo/contacts.html', `${OUT}/demo/contacts.html`);
console.log(`backend built into ${OUT}/ (npm run backend, npm run admin)`);
