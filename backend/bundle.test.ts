// The production start: the bundle `npm run build:backend` makes runs on plain `node`, serves the
// pages, and the admin CLI bundle works on the same database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/support';

// Inside the project, so the bundle finds node_modules; its own folder, so no other test's build races it.
const out = mkdtempSync(join('.output', 'bundle-test-'));
const data = tempDir('c2c-bundle-');
let server: ChildProcess | undefined;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build-backend.mjs', out], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(build.stderr);
}, 60_000);

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
  data.remove();
});

/** Starts the bundle with plain node (no loader, no transpiler) and resolves its URL once listening. */
function startBundle(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(out, 'backend/server.js')], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', DATA_DIR: data.path, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"msg":"backend listening","url":"([^"]+)"/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}

function admin(...args: string[]): string {
  const result = spawnSync(process.execPath, [join(out, 'backend/admin.js'), ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: data.path },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('the built backend', () => {
  it('contains no TypeScript and loads no transpiler', () => {
    const code = readFileSync(join(out, 'backend/server.js'), 'utf8');
    expect(code).not.toMatch(/from ["']tsx|\.tsx?["']\)/);
  });

  it('starts with node alone, serves the softphone and demo pages, and stops on SIGTERM', async () => {
    const access = admin('agent', 'add', 'ava').trim().split('\n').at(-1)!;
    const started = await startBundle({ DEMO: '1', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '3000' });
    server = started.child;
    const { url } = started;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const script = await fetch(`${url}/softphone/app.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toBe(readFileSync(join(out, 'softphone/app.js'), 'utf8'));
    expect(await (await fetch(`${url}/softphone`)).text()).toContain('/softphone/app.js');
    expect(await (await fetch(`${url}/demo`)).text()).toContain('Acme CRM');
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: access }),
    });
    expect(signIn.status).toBe(200);
    expect(admin('agent', 'list')).toContain('ava\tactive');

    // SIGTERM: not ready (still answering) for SHUTDOWN_DELAY_MS, then a clean exit.
    const exited = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await expect.poll(async () => (await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await exited).toBe(0);
  }, 30_000);

  it('refuses a wrong SHUTDOWN_DELAY_MS with a clear message', async () => {
    await expect(startBundle({ SHUTDOWN_DELAY_MS: 'soon' })).rejects.toThrow(
      /exited 1:[\s\S]*SHUTDOWN_DELAY_MS must be a whole number/,
    );
  });
});
