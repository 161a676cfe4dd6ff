import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadDotEnv } from './dotenv';
import { tempDir } from './testing/support';

it('reads .env without overriding the real environment', () => {
  const dir = tempDir();
  const file = join(dir.path, '.env');
  writeFileSync(
    file,
    '# comment\nPORT=9000\nexport DATA_DIR="/tmp/x y"\nDEMO=1 # on\nSET=env\nBAD LINE\n',
  );
  const env: NodeJS.ProcessEnv = { SET: 'real' };
  loadDotEnv(file, env);
  expect(env).toEqual({ PORT: '9000', DATA_DIR: '/tmp/x y', DEMO: '1', SET: 'real' });
  loadDotEnv(join(dir.path, 'missing'), env);
  dir.remove();
});
