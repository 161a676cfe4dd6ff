// `npm start`: builds the demo extension, starts the backend on its embedded database with the demo
// pages, creates the demo agent and the softphone agent, binds the softphone's line to it (keys kept in
// DATA_DIR), and prints what to open.
// A demo already running on the port is left alone (its sign-in details are printed again).
// Environment: PORT (8787), HOST (127.0.0.1), DATA_DIR (./data/demo); DEMO_SKIP_BUILD=1 skips building
// the extension and the backend bundle (tests, or when both in .output/ are current).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { addAgent, checkAccessKey, enableAgent, rotateAgentKey } from '../backend/agents';
import { Bus } from '../backend/bus';
import { loadConfig } from '../backend/config';
import { openDatabase } from '../backend/db/connect';
import { addLine } from '../backend/lines';
import { Store } from '../backend/db/store';

const PORT = process.env.PORT ?? '8787';
const HOST = process.env.HOST ?? '127.0.0.1';
const DATA_DIR = process.env.DATA_DIR ?? resolve('data/demo');
const BASE = `http://localhost:${PORT}`;
/** The customer's phone number on the demo softphone: a line bound to the `softphone` agent. */
const SOFTPHONE_LINE = 'tel:+14155552671';
const KEYS_FILE = join(DATA_DIR, 'demo-keys.json');
/** The backend bundle (npm run build:backend), as `npm run backend` runs it. */
const SERVER = '.output/backend/server.js';
// The demo listens on this machine only.
const env = { ...process.env, PORT, DATA_DIR, DEMO: '1', HOST };
// Where a running demo answers (a wildcard bind answers on loopback too).
const PROBE = `http://${['0.0.0.0', '::', 'localhost'].includes(HOST) ? '127.0.0.1' : HOST}:${PORT}`;

interface DemoKeys {
  agent: string;
  line: string;
}

function step(text: string): void {
  console.log(`\n▶ ${text}`);
}

/** Whether something accepts connections on the demo's port. */
function portTaken(): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect({ host: new URL(PROBE).hostname, port: Number(PORT) });
    const done = (taken: boolean) => {
      socket.destroy();
      resolvePort(taken);
    };
    socket.setTimeout(2000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the program on the port is this project's backend serving the demo pages. */
async function isDemoBackend(): Promise<boolean> {
  try {
    const signal = AbortSignal.timeout(3000);
    const health = await fetch(`${PROBE}/healthz`, { signal });
    const page = await fetch(`${PROBE}/demo`, { signal });
    return health.ok && page.ok && (await page.text()).includes('Acme CRM (demo)');
  } catch {
    return false;
  }
}

function readKeys(): DemoKeys | undefined {
  try {
    const keys = JSON.parse(readFileSync(KEYS_FILE, 'utf8')) as Partial<DemoKeys>;
    if (typeof keys.agent === 'string' && typeof keys.line === 'string') {
      return { agent: keys.agent, line: keys.line };
    }
  } catch {
    // missing or unreadable: new keys are made
  }
  return undefined;
}

/** Keeps a saved key that still signs this agent in; otherwise creates the agent or re-keys it. */
async function keyFor(store: Store, name: string, saved: string | undefined): Promise<string> {
  const agent = saved ? await checkAccessKey(store, saved) : undefined;
  if (saved && agent?.name === name && agent.disabled === 0) return saved;
  if (!(await store.getAgentByName(name))) return (await addAgent(store, name)).accessKey;
  await enableAgent(store, name);
  return (await rotateAgentKey(store, name)).accessKey;
}

async function prepareKeys(): Promise<DemoKeys> {
  const saved = readKeys();
  const handle = await openDatabase(loadConfig(env));
  try {
    const store = new Store(handle, new Bus());
    const keys = {
      agent: await keyFor(store, 'demo', saved?.agent),
      line: await keyFor(store, 'softphone', saved?.line),
    };
    // Only the agent a line is bound to may register it on the relay.
    await addLine(store, SOFTPHONE_LINE, 'softphone');
    if (keys.agent !== saved?.agent || keys.line !== saved?.line) {
      mkdirSync(DATA_DIR, { recursive: true });
      writeFileSync(`${KEYS_FILE}.tmp`, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
      renameSync(`${KEYS_FILE}.tmp`, KEYS_FILE);
    }
    return keys;
  } finally {
    await handle.close();
  }
}

function printInstructions(keys: DemoKeys): void {
  const softphone = `${BASE}/softphone#key=${encodeURIComponent(keys.line)}&line=${encodeURIComponent(SOFTPHONE_LINE)}`;
  console.log(`
  1. Open chrome://extensions, switch on "Developer mode", click "Load unpacked" and choose
       ${resolve('.output/chrome-mv3-demo')}
     The set-up page opens: click "Allow microphone".
  2. Click the extension's toolbar button and sign in:
       Server address  ${BASE}
       Access key      ${keys.agent}
  3. Open the softphone (the customer's phone) in another window:
       ${softphone}
  4. Open the demo CRM and click the call button next to Ava Thompson's number:
       ${BASE}/demo
     Answer on the softphone. Try "Call the sales team" on the softphone for an incoming call.

The keys stay the same when you run npm start again (they are kept in ${DATA_DIR}; delete that
folder to start afresh).`);
}

async function main(): Promise<void> {
  // Before anything changes: a demo already running keeps its keys, sessions and port.
  if (await portTaken()) {
    if (await isDemoBackend()) {
      const keys = readKeys();
      if (keys) {
        console.log(`✔ The demo is already running on ${BASE}; it was left as it is.`);
        printInstructions(keys);
        console.log('\nStop it with Ctrl+C in the terminal where it was started.');
        process.exit(0);
      }
      console.error(
        `A demo backend is already running on ${BASE}, but its sign-in details are not in ${DATA_DIR}.\n` +
          'Stop it with Ctrl+C in the terminal where it was started, then run npm start again.',
      );
    } else {
      console.error(
        `Port ${PORT} is already used by another program (not this demo), so the demo cannot start.\n` +
          `Stop that program, or start the demo on another port: PORT=8788 npm start`,
      );
    }
    process.exit(1);
  }

  if (process.env.DEMO_SKIP_BUILD !== '1') {
    step('Building the extension (demo build: also runs on localhost pages) and the backend');
    for (const [command, args] of [
      ['npx', ['wxt', 'build', '--mode', 'demo']],
      [process.execPath, ['scripts/build-backend.mjs']],
    ] as const) {
      const build = spawnSync(command, args, { stdio: 'inherit', env });
      if (build.status !== 0) process.exit(build.status ?? 1);
    }
  } else if (!existsSync(SERVER)) {
    console.error(`DEMO_SKIP_BUILD=1, but ${SERVER} is not built: run npm run build:backend`);
    process.exit(1);
  }

  step(`Preparing the demo agents in ${DATA_DIR}`);
  const keys = await prepareKeys();

  step(`Starting the backend on ${BASE}`);
  const server = spawn(process.execPath, [SERVER], {
    stdio: ['ignore', process.env.DEMO_VERBOSE ? 'inherit' : 'ignore', 'inherit'],
    env,
  });
  let ready = false;
  server.on('exit', (code) => {
    if (!ready) {
      console.error(
        `The backend did not start (see above). If port ${PORT} was taken in the meantime, stop ` +
          `the program using it or start the demo on another port: PORT=8788 npm start`,
      );
    }
    process.exit(code ?? 0);
  });
  while (!ready && server.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await fetch(`${PROBE}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
  }
  if (ready) {
    console.log('\n✔ The demo is running. In Chrome or Chromium:');
    printInstructions(keys);
    console.log('\nStop with Ctrl+C.');
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => server.kill(signal));
}

void main();
