// `npm start`: builds the demo extension, starts the backend on its embedded database with the demo
// pages, creates (or re-keys) the demo agent and the softphone agent, binds the softphone's line to it,
// and prints what to open.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const PORT = process.env.PORT ?? '8787';
const DATA_DIR = process.env.DATA_DIR ?? resolve('data/demo');
const BASE = `http://localhost:${PORT}`;
/** The customer's phone number on the demo softphone: a line bound to the `softphone` agent. */
const SOFTPHONE_LINE = 'tel:+14155552671';
// The demo listens on this machine only.
const env = { ...process.env, PORT, DATA_DIR, DEMO: '1', HOST: process.env.HOST ?? '127.0.0.1' };

function step(text: string): void {
  console.log(`\n▶ ${text}`);
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  }
  return result.stdout;
}

/** Creates the agent, or gives it a fresh key if it exists (keys are stored hashed, never shown twice). */
function accessKeyFor(name: string): string {
  const listed = run('npx', ['tsx', 'backend/admin.ts', 'agent', 'list']);
  const exists = listed.split('\n').some((line) => line.split(/\s+/).includes(name));
  const out = run('npx', ['tsx', 'backend/admin.ts', 'agent', exists ? 'rotate-key' : 'add', name]);
  return out.trim().split('\n').at(-1)!.trim();
}

step('Building the extension (demo build: also runs on localhost pages)');
const build = spawnSync('npx', ['wxt', 'build', '--mode', 'demo'], { stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);

step(`Preparing the demo agents in ${DATA_DIR}`);
const agentKey = accessKeyFor('demo');
const lineKey = accessKeyFor('softphone');
// Only the agent a line is bound to may register it on the relay.
run('npx', ['tsx', 'backend/admin.ts', 'line', 'add', SOFTPHONE_LINE, 'softphone']);

step(`Starting the backend on ${BASE}`);
const server = spawn('npx', ['tsx', 'backend/server.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
let ready = false;
server.stdout.on('data', (chunk: Buffer) => {
  if (!ready && /listening/i.test(chunk.toString())) {
    ready = true;
    printInstructions();
  }
  if (process.env.DEMO_VERBOSE) process.stdout.write(chunk);
});
server.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));

function printInstructions(): void {
  const softphone = `${BASE}/softphone#key=${encodeURIComponent(lineKey)}&line=${encodeURIComponent(SOFTPHONE_LINE)}`;
  console.log(`
✔ The demo is running. In Chrome or Chromium:

  1. Open chrome://extensions, switch on "Developer mode", click "Load unpacked" and choose
       ${resolve('.output/chrome-mv3-demo')}
     The set-up page opens: click "Allow microphone".
  2. Click the extension's toolbar button and sign in:
       Server address  ${BASE}
       Access key      ${agentKey}
  3. Open the softphone (the customer's phone) in another window:
       ${softphone}
  4. Open the demo CRM and click the call button next to Ava Thompson's number:
       ${BASE}/demo
     Answer on the softphone. Try "Call agent" on the softphone for an incoming call.

Stop with Ctrl+C. Keys change every time you run npm start.`);
}
