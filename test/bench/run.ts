// `npm run bench`: runs test/bench/<name>.bench.ts (each prints its own figures). With names as
// arguments, only those; without, all but the backend's (`npm run bench:backend` runs those) and the
// admin console's (`npm run bench:admin`: it seeds 1,000,000 calls first).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const names = wanted.length
  ? wanted
  : all.filter((n) => !n.startsWith('backend') && !n.startsWith('admin-'));
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}

for (const name of names) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const module = (await import(join(here, `${name}.bench.ts`))) as { default: () => Promise<void> };
  await module.default();
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(0);
