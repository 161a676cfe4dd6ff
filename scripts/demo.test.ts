// `npm start` run twice: the second leaves the running demo alone; a restart keeps the same keys.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../backend/testing/support';

const dir = tempDir('c2c-demo-');
const children = new Set<ChildProcess>();

beforeAll(() => {
  // The demo runs the backend bundle, as npm start builds it.
  const build = spawnSync(process.execPath, ['scripts/build-backend.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
});

afterAll(async () => {
  for (const child of children) await stop(child);
  dir.remove();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDemo(port: number): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dir.path,
      DEMO_SKIP_BUILD: '1',
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, text: string): Promise<void> {
  await expect
    .poll(() => run.output().includes(text) || run.child.exitCode !== null, { timeout: 30_000 })
    .toBe(true);
  if (!run.output().includes(text)) throw new Error(`demo said:\n${run.output()}`);
}

function keysIn(output: string): { agent: string; line: string } {
  const agent = /Access key\s+(c2c_\S+)/.exec(output)?.[1];
  const line = /#key=([^&\s]+)/.exec(output)?.[1];
  if (!agent || !line) throw new Error(`no keys in:\n${output}`);
  return { agent, line: decodeURIComponent(line) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function signIn(port: number, accessKey: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
}

describe('npm start (the demo)', () => {
  it('leaves a running demo untouched and reprints the same keys after a restart', async () => {
    const port = await freePort();
    const first = startDemo(port);
    await waitFor(first, 'Stop with Ctrl+C.');
    const keys = keysIn(first.output());
    const signedIn = await signIn(port, keys.agent);
    expect(signedIn.status).toBe(200);
    const { token } = (await signedIn.json()) as { token: string };

    // Started again while it runs: nothing re-keyed, the same details printed, exit 0.
    const second = startDemo(port);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('already running');
    expect(second.output()).not.toContain('EADDRINUSE');
    expect(keysIn(second.output())).toEqual(keys);
    expect(first.child.exitCode).toBeNull();
    const calls = await fetch(`http://127.0.0.1:${port}/api/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(calls.status).toBe(200); // the running demo's session still stands
    expect((await signIn(port, keys.line)).status).toBe(200);

    // Stopped and started again: the same keys, still accepted.
    await stop(first.child);
    const third = startDemo(port);
    await waitFor(third, 'Stop with Ctrl+C.');
    expect(keysIn(third.output())).toEqual(keys);
    expect((await signIn(port, keys.agent)).status).toBe(200);
    await stop(third.child);
  }, 90_000);

  it('says plainly what to do when another program holds the port', async () => {
    const other = createHttpServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const run = startDemo(port);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${port} is already used by another program`);
      expect(run.output()).toContain('PORT=8788 npm start');
      expect(run.output()).not.toContain('Preparing the demo agents');
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  }, 30_000);
});
