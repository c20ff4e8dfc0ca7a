#!/usr/bin/env node
// Does what a newcomer does, in a temporary folder: packs both libraries, checks what the tarballs ship,
// builds the app of docs/getting-started.md from the guide's own marked blocks (so a guide that drifts fails
// here), installs the tarballs plus the guide's install line from the npm registry, starts the app, gets the
// welcome and an echo over a WebSocket, stops it with SIGTERM, and checks that asking for metrics without
// prom-client stops the start with a clear error, and that the client's bin writes a typed client from the
// app's protocol document. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIBRARY = '@websocket-tool/nestjs';
const PACKAGES = [
  { dir: 'libs/websocket-tool-client', generated: ['dist/websocket-tool-client.browser.js'] },
  { dir: 'libs/websocket-tool', generated: ['dist/admin/page/admin-page.browser.js'] },
];
/** Optional peers: a minimal app must run without them, so npm must not have installed them. */
const OPTIONAL_PEERS = ['prom-client', '@willsoto/nestjs-prometheus', '@nestjs/swagger', 'jose', 'ioredis', 'bullmq'];
const FORBIDDEN_IN_TARBALL = [/\.spec\./, /\.e2e-spec\./, /\.tsbuildinfo$/, /(^|\/)(test|tests|__tests__|fixtures|coverage)\//];

const started = Date.now();
const say = (line) => process.stdout.write(`check:packaging ${((Date.now() - started) / 1000).toFixed(1)}s ${line}\n`);

class StepError extends Error {}
const fail = (message) => {
  throw new StepError(message);
};

/** Runs a command line in a shell; resolves with its output, rejects (with the output) on a non-zero exit. */
function run(line, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(line, { cwd, shell: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new StepError(`\`${line}\` exited with ${code}:\n${output.trim().split('\n').slice(-30).join('\n')}`)),
    );
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The guide's marked blocks: `<!-- check:file path -->`, `<!-- check:run -->`, `<!-- check:start -->` before a fence. */
function readGuide() {
  const text = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
  const blocks = [...text.matchAll(/<!-- check:(file|run|start)(?: ([^\s]+))? -->\n```[\w-]*\n([\s\S]*?)\n```/g)].map((m) => ({
    kind: m[1],
    path: m[2],
    body: m[3],
  }));
  const marked = (text.match(/<!-- check:/g) ?? []).length;
  if (marked !== blocks.length)
    fail(`docs/getting-started.md has ${marked} check markers but ${blocks.length} are followed by a code block`);
  const files = blocks.filter((b) => b.kind === 'file');
  for (const needed of ['package.json', 'tsconfig.json', 'src/main.ts', 'src/app.module.ts']) {
    if (!files.some((f) => f.path === needed)) fail(`docs/getting-started.md has no block marked <!-- check:file ${needed} -->`);
  }
  const commands = blocks.filter((b) => b.kind === 'run').flatMap((b) => b.body.split('\n'));
  const start = blocks.filter((b) => b.kind === 'start');
  if (start.length !== 1) fail('docs/getting-started.md needs exactly one block marked <!-- check:start -->');
  return {
    files,
    commands: commands.map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
    start: start[0].body.trim(),
  };
}

/** Packs one library and checks that the tarball ships what it should and nothing else. */
async function pack({ dir, generated }, destination) {
  const cwd = join(ROOT, dir);
  const [info] = JSON.parse(await run(`npm pack --json --pack-destination "${destination}"`, cwd));
  const files = info.files.map((f) => f.path);
  const problems = [];
  for (const file of files) {
    if (FORBIDDEN_IN_TARBALL.some((re) => re.test(file))) problems.push(`${file} should not ship`);
    // Every compiled file must come from a source that still exists: stale output from a moved file ships otherwise.
    const js = /^dist\/(.*)\.js$/.exec(file);
    if (js && !generated.includes(file) && !existsSync(join(cwd, 'src', `${js[1]}.ts`))) {
      problems.push(`${file} has no src/${js[1]}.ts (stale build output: run \`npm run clean && npm run build\`)`);
    }
  }
  for (const needed of ['package.json', 'README.md']) if (!files.includes(needed)) problems.push(`${needed} is missing`);
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  const targets = (node) => (typeof node === 'string' ? [node] : Object.values(node ?? {}).flatMap(targets));
  for (const target of [...targets(manifest.exports), ...targets(manifest.bin), manifest.main, manifest.types].filter(Boolean)) {
    const path = target.replace(/^\.\//, '');
    if (!path.includes('*') && !files.includes(path)) problems.push(`${target} (exports, bin, main or types) is not in the tarball`);
  }
  if (problems.length) fail(`${info.name} tarball: ${problems.join('; ')}`);
  say(`packed ${info.name}@${info.version}: ${files.length} files`);
  return { name: info.name, tarball: join(destination, info.filename) };
}

/** Starts the guide's start command; resolves with the child and a reader of its output. */
function startApp(line, cwd, env) {
  // `npm start` runs the package's start script; run that script itself, with no npm or shell in between, so
  // the exit code seen is the app's (npm and sh report a SIGTERM as their own death by signal).
  const script = /^npm (run )?start$/.test(line) ? JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).scripts?.start : line;
  if (!script) fail(`the guide starts the app with \`${line}\` but its package.json has no start script`);
  const [command, ...args] = script.split(/\s+/);
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new StepError(`${what}: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects as `clientId`, retrying while the app is still starting; resolves with the socket and its first message. */
async function connect(port, clientId, deadline, alive) {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/${clientId}`);
        ws.once('message', (data) => resolve({ ws, first: JSON.parse(String(data)) }));
        ws.once('error', reject);
        ws.once('close', (code) => reject(new Error(`closed with ${code} before any message`)));
      });
    } catch (error) {
      if (!alive()) fail('the app is not running');
      if (Date.now() > deadline) fail(`could not connect to ws://127.0.0.1:${port}/ws/${clientId}: ${error.message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'wst-packaging-'));
  const app = join(work, 'app');
  mkdirSync(app);
  let running;
  try {
    const guide = readGuide();
    const tarballs = [];
    for (const p of PACKAGES) tarballs.push(await pack(p, work));

    for (const file of guide.files) {
      mkdirSync(dirname(join(app, file.path)), { recursive: true });
      writeFileSync(join(app, file.path), file.body + '\n');
    }
    say(`wrote ${guide.files.map((f) => f.path).join(', ')} from docs/getting-started.md into ${app}`);

    let installedLibrary = false;
    for (const line of guide.commands) {
      let command = line;
      // The library comes from this checkout's tarballs (with the client it depends on); the rest from the registry.
      if (/^npm (install|i)\b/.test(line) && line.split(/\s+/).includes(LIBRARY)) {
        command = line
          .split(/\s+/)
          .map((arg) => (arg === LIBRARY ? tarballs.map((t) => `"${t.tarball}"`).join(' ') : arg))
          .join(' ');
        installedLibrary = true;
      }
      if (/^npm (install|i)\b/.test(command)) command += ' --no-audit --no-fund';
      say(`$ ${line}`);
      await run(command, app);
    }
    if (!installedLibrary) fail(`the guide's commands never install ${LIBRARY}`);

    const leaked = OPTIONAL_PEERS.filter((name) => existsSync(join(app, 'node_modules', name)));
    if (leaked.length) fail(`optional peers were installed into a minimal app: ${leaked.join(', ')}`);
    say(`none of the optional peers (${OPTIONAL_PEERS.join(', ')}) was installed`);

    const port = await freePort();
    say(`$ ${guide.start}   (PORT=${port})`);
    running = startApp(guide.start, app, { PORT: String(port) });
    const app1 = running;
    const early = app1.exited.then(({ code }) => fail(`the app exited with ${code} while starting:\n${app1.output()}`));
    early.catch(() => undefined); // reported by the race below, or moot once connected
    const alive = () => app1.child.exitCode === null && app1.child.signalCode === null;
    const { ws, first } = await Promise.race([connect(port, 'newcomer', Date.now() + 30_000, alive), early]);
    if (first.type !== 'system.client_connected' || first.meta?.client_id !== 'newcomer') {
      fail(`the first message was not the welcome: ${JSON.stringify(first)}`);
    }
    say(`connected, welcome: ${JSON.stringify(first.content)}`);

    const reply = new Promise((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ type: 'echo', content: 'hello', meta: { id: 'r1' } }));
    const echo = await withTimeout(reply, 5_000, 'echo');
    if (echo.type !== 'echo' || echo.content !== 'hello' || echo.meta?.id !== 'r1') fail(`unexpected echo reply: ${JSON.stringify(echo)}`);
    say(`echo answered: ${JSON.stringify(echo)}`);

    // The admin API is on by default and its DTOs carry swagger decorators: it must answer without @nestjs/swagger.
    const stats = await fetch(`http://127.0.0.1:${port}/ws/stats`);
    const body = await stats.json();
    if (stats.status !== 200 || body.stats?.total_active_connections !== 1) {
      fail(`GET /ws/stats answered ${stats.status}: ${JSON.stringify(body)}`);
    }
    say(`admin API without @nestjs/swagger: GET /ws/stats answered 200 (1 active connection)`);

    // The client package's bin writes a typed client from the app's own protocol document.
    await run(`npx --no websocket-tool-client generate http://127.0.0.1:${port}/ws/asyncapi.json -o src/ws-api.ts`, app);
    const generated = readFileSync(join(app, 'src/ws-api.ts'), 'utf8');
    if (!generated.includes('export function createWsApi') || !generated.includes('echo:')) {
      fail(`npx websocket-tool-client generate wrote no facade with the echo handler:\n${generated.slice(0, 2000)}`);
    }
    say('npx websocket-tool-client generate: wrote src/ws-api.ts from GET /ws/asyncapi.json');

    const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    running.child.kill('SIGTERM');
    const closeCode = await withTimeout(closed, 10_000, 'client close on SIGTERM');
    const exit = await withTimeout(running.exited, 10_000, 'app exit on SIGTERM');
    running = undefined;
    if (closeCode !== 1001) fail(`on SIGTERM the client was closed with ${closeCode}, not 1001`);
    if (exit.code !== 0) fail(`on SIGTERM the app exited with ${exit.code ?? exit.signal}, not 0`);
    say('SIGTERM: client closed with 1001, app exited with 0');

    running = startApp(guide.start, app, { PORT: String(await freePort()), FP_WST_ENABLE_METRICS: 'true' });
    const refused = await withTimeout(running.exited, 30_000, 'start with FP_WST_ENABLE_METRICS=true');
    const output = running.output();
    running = undefined;
    const expected = 'FP_WST_ENABLE_METRICS=true asks for metrics, but the "prom-client" package is not installed';
    if (refused.code === 0 || !output.includes(expected)) {
      fail(
        `with FP_WST_ENABLE_METRICS=true and no prom-client the app should refuse to start with "${expected}"; got exit ${refused.code}:\n${output}`,
      );
    }
    say('FP_WST_ENABLE_METRICS=true without prom-client: the start stops, naming what to install');

    rmSync(work, { recursive: true, force: true });
    say('passed');
  } catch (error) {
    if (running) {
      running.child.kill('SIGKILL');
      process.stderr.write(`app output:\n${running.output()}\n`);
    }
    process.stderr.write(
      `check:packaging FAILED: ${error instanceof StepError ? error.message : error.stack}\n(work folder kept: ${work})\n`,
    );
    process.exitCode = 1;
  }
}

await main();
