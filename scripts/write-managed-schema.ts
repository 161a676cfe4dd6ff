// Regenerates public/managed_schema.json from the settings schema: `npx tsx scripts/write-managed-schema.ts`.
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { buildManagedSchema } from '../src/settings/managedSchema';

const path = 'public/managed_schema.json';
writeFileSync(path, await format(JSON.stringify(buildManagedSchema()), { parser: 'json' }));
console.log(`wrote ${path}`);
