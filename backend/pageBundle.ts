// A page script the backend serves: the prebuilt file beside the bundle when there is one, else
// bundled once, in memory, from source with esbuild (running from source: tests, the demo).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PAGE_BUNDLE_OPTIONS } from '../scripts/pageBundle.mjs';

export function pageBundle(prebuilt: URL, entry: URL): () => Promise<string> {
  let bundle: Promise<string> | null = null;
  return () => {
    bundle ??= readFile(prebuilt, 'utf8')
      .catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        const { build } = await import('esbuild');
        const result = await build({
          ...PAGE_BUNDLE_OPTIONS,
          entryPoints: [fileURLToPath(entry)],
          write: false,
        });
        return result.outputFiles[0]!.text;
      })
      .catch((error: unknown) => {
        bundle = null;
        throw error;
      });
    return bundle;
  };
}
