import { WebSocketToolClient } from '@websocket-tool/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './utils/create-test-app.js';
import { freePort } from './utils/free-port.js';
import { startSample } from './utils/sample-process.js';

const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const CLI = at('libs/websocket-tool-client/dist/generate/cli.js');
/** The sample page's generated client, checked in. */
const CHECKED_IN = at('apps/sample/src/page/browser/ws-api.ts');

/** Runs the package's `websocket-tool-client` bin (as `npx websocket-tool-client` would) and collects what it prints. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A use of the generated facade that must compile, and two misuses that must not. */
const USAGE = `import { WebSocketToolClient } from '@websocket-tool/client';
import { createWsApi, type ServerMessage } from './ws-api.js';

const api = createWsApi(new WebSocketToolClient('ws://127.0.0.1:1/ws'));
const sent: Promise<ServerMessage<'chat.sent'>> = api.request.chatMessage({ text: 'hi' }, { meta: { topic: 'room:a' } });
export const delivered: Promise<number> = sent.then((m) => m.content.delivered_to);
api.on.chatMessage((m) => {
  const line: string = m.content.text + m.meta.from;
  void line;
});
api.on.tasksWorkerTaskProgress((m) => {
  const percent: number = m.meta.percent;
  void percent;
});
export const started: Promise<string> = api.request.reportGenerate({ title: 'x' }).then((m) => m.content.task_id);
// @ts-expect-error a chat message needs its text
api.send.chatMessage({});
// @ts-expect-error ChatMessageDto has no such field
api.send.chatMessage({ text: 'a', colour: 'red' });
// @ts-expect-error fail is a boolean
api.send.reportGenerate({ fail: 'yes' });
`;

/** The diagnostics of compiling the files with `strict` (the client's types from its build). */
function compileStrict(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    paths: { '@websocket-tool/client': [at('libs/websocket-tool-client/dist/index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the typed client generated from the sample app’s AsyncAPI document', () => {
  let child: ChildProcess | undefined;
  let base = '';
  let url = '';
  let dir = '';

  beforeAll(async () => {
    const port = await freePort();
    child = await startSample(port);
    base = `127.0.0.1:${port}`;
    url = `http://${base}/ws/asyncapi.json`;
    dir = mkdtempSync(join(tmpdir(), 'wst-generated-'));
  }, 30_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is checked in as the sample page uses it: regenerating gives the same file (a drift fails here)', async () => {
    const result = await cli('generate', url, '-o', CHECKED_IN, '--check');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is up to date');
    expect(readFileSync(at('apps/sample/src/page/browser/sample-page.main.ts'), 'utf8')).toContain("from './ws-api.js'");
  });

  it('a renamed DTO field makes the check fail with a message naming the message type and the field', async () => {
    const doc = (await (await fetch(url)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    };
    const chat = doc.components.schemas.ChatMessageDto!;
    chat.properties = { body: chat.properties.text, name: chat.properties.name };
    chat.required = ['body'];
    const file = join(dir, 'renamed.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = await cli('generate', file, '-o', CHECKED_IN, '--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is out of date');
    expect(result.stderr).toContain('chat.message (client → server): field content.text was removed (renamed to content.body?)');
    expect(result.stderr).toContain('chat.message (client → server): field content.body is new');
    // The check writes nothing.
    expect(readFileSync(CHECKED_IN, 'utf8')).toContain('  text: string;');
  });

  it('compiles under tsc --strict, and sends, gets its typed reply and a typed broadcast against the running app', async () => {
    const out = join(dir, 'ws-api.ts');
    const generated = await cli('generate', url, '-o', out);
    expect(generated.code).toBe(0);
    writeFileSync(join(dir, 'usage.ts'), USAGE);
    expect(compileStrict([out, join(dir, 'usage.ts')])).toEqual([]);

    const js = ts.transpileModule(readFileSync(out, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    writeFileSync(join(dir, 'ws-api.mjs'), js);
    const { createWsApi } = (await import(
      pathToFileURL(join(dir, 'ws-api.mjs')).href
    )) as typeof import('../apps/sample/src/page/browser/ws-api.js');

    const alice = new WebSocketToolClient(`ws://${base}/ws/alice`);
    const bob = new WebSocketToolClient(`ws://${base}/ws/bob`);
    try {
      const a = createWsApi(alice);
      const b = createWsApi(bob);
      await Promise.all([alice.whenOpen(5000), bob.whenOpen(5000)]);
      const heard = new Promise<{ text: string; from: string }>((resolve) =>
        b.on.chatMessage((m) => resolve({ text: m.content.text, from: m.meta.from })),
      );
      const reply = await a.request.chatMessage({ text: 'typed hello' });
      expect(reply.type).toBe('chat.sent');
      expect(reply.content.delivered_to).toBeGreaterThanOrEqual(2);
      expect(await heard).toEqual({ text: 'typed hello', from: 'alice' });
      const plain = new Promise<string>((resolve) => b.on.chatMessage((m) => resolve(m.content.text)));
      expect(a.send.chatMessage({ text: 'plain send', name: 'Alice' })).toBe('sent');
      expect(await plain).toBe('plain send');
      const echo = await a.request.echo({ any: ['json'] });
      expect(echo.content).toEqual({ any: ['json'] });
      const report = await a.request.reportGenerate({ title: 'Typed' });
      expect(report.content.topic).toBe(`task:${report.content.task_id}`);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  }, 30_000);

  it('reads a document behind an admin token with --token (or FP_WST_ADMIN_TOKEN), and says what to do without it', async () => {
    const token = 'generate-test-token-0123456789abcdef';
    const app = await createTestApp({ adminToken: token });
    try {
      const out = join(dir, 'token-api.ts');
      const refused = await cli('generate', `${app.http}/ws/asyncapi.json`, '-o', out);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('answered 401 (give the admin token with --token)');
      const allowed = await cli('generate', `${app.http}/ws/asyncapi.json`, '-o', out, '--token', token);
      expect(allowed.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('export function createWsApi');
    } finally {
      await app.close();
    }
  });
});
