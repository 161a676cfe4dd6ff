// /api/admin/directory: the company directory's size and its CSV import (the CLI's importer, merge
// or replace) with the report of every rejected row. The entries themselves are never listed here:
// agents look them up one number at a time (GET /api/directory/lookup).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import {
  DIRECTORY_IMPORT_MAX_BYTES,
  type DirectoryImportResult,
} from '../../src/contract/directory';
import type { AppDeps } from '../context';
import { countDirectory } from '../directory/store';
import { AdminStore } from './adminStore';
import { importDirectory } from './operations';
import type { AdminEnv } from './session';

/** The import's path: app.ts lets it past the API's 64 KB body limit (this route sets its own). */
export const DIRECTORY_IMPORT_PATH = '/api/admin/directory/import';

const importSchema = z.object({
  mode: z.enum(['merge', 'replace']),
  csv: z.string(),
});

const MAX_MB = DIRECTORY_IMPORT_MAX_BYTES / (1024 * 1024);

/** A file that is not text (a spreadsheet's binary format, an image) decodes with NULs or U+FFFD. */
const notText = (text: string) => text.includes('\u0000') || text.includes('\uFFFD');

export function directoryAdminRoutes(deps: AppDeps) {
  const admin = new AdminStore(deps.store.db);
  return new Hono<AdminEnv>()
    .get('/', async (c) => c.json(await countDirectory(deps.store.db), 200))
    .post(
      '/import',
      bodyLimit({
        maxSize: DIRECTORY_IMPORT_MAX_BYTES,
        onError: (c) =>
          c.json(
            {
              error: `The file is too large: at most ${MAX_MB} MB (split it and import the parts with merge)`,
              code: 'adminDirectoryTooLarge',
            },
            413,
          ),
      }),
      async (c) => {
        const parsed = importSchema.safeParse(await c.req.json().catch(() => null));
        if (!parsed.success)
          return c.json(
            {
              error: 'Send JSON {"mode": "merge" | "replace", "csv": "…"}',
              code: 'adminErrInvalid',
            },
            400,
          );
        const { mode, csv } = parsed.data;
        if (notText(csv))
          return c.json(
            {
              error: 'The file is not a CSV text file: save it from the spreadsheet as "CSV UTF-8"',
              code: 'adminDirectoryNotText',
            },
            400,
          );
        const report = await importDirectory(
          { store: deps.store, admin, actor: c.get('actor') },
          csv,
          mode,
        );
        // A file with no acceptable row is still an answer the admin needs line by line: 200 with
        // `applied: false`, the directory unchanged.
        const result: DirectoryImportResult = {
          report,
          count: await countDirectory(deps.store.db),
        };
        return c.json(result, 200);
      },
    );
}
