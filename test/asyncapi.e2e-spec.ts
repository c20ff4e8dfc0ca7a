import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './utils/free-port.js';
import { startSample } from './utils/sample-process.js';
import { statusWithHost } from './utils/status-with-host.js';
import { WsTestClient } from './utils/ws-test-client.js';

interface AsyncApiDocument {
  asyncapi: string;
  operations: Record<
    string,
    { action: 'send' | 'receive'; messages: Array<{ $ref: string }>; reply?: { messages: Array<{ $ref: string }> } }
  >;
  components: { messages: Record<string, { name: string; payload: { properties: { content: unknown } } }> };
}

/** The wire types of the document's messages in one direction: `receive` = clients send them, `send` = the server does (with replies). */
function typesOf(doc: AsyncApiDocument, action: 'send' | 'receive'): Set<string> {
  const name = (ref: { $ref: string }) => doc.components.messages[ref.$ref.split('/').pop()!]!.name;
  const types = new Set<string>();
  for (const op of Object.values(doc.operations)) {
    if (op.action === action) for (const m of op.messages) types.add(name(m));
    if (action === 'send') for (const m of op.reply?.messages ?? []) types.add(name(m));
  }
  return types;
}

/** Each message's name and payload schema, in a stable order. */
const summary = (d: AsyncAPIDocumentInterface) =>
  d
    .allMessages()
    .all()
    .map((m) => `${m.name()} ${JSON.stringify(m.payload()?.json())}`)
    .toSorted();

describe('the AsyncAPI document of the sample app (built, as its own process)', () => {
  let child: ChildProcess | undefined;
  let base = '';
  let doc: AsyncApiDocument;

  beforeAll(async () => {
    const port = await freePort();
    child = await startSample(port);
    base = `http://127.0.0.1:${port}`;
    doc = (await (await fetch(`${base}/ws/asyncapi.json`)).json()) as AsyncApiDocument;
  }, 30_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('validates in @asyncapi/parser with no error and no warning, as JSON and as YAML, and both say the same', async () => {
    const parser = new Parser();
    const json = await (await fetch(`${base}/ws/asyncapi.json`)).text();
    const yamlRes = await fetch(`${base}/ws/asyncapi.yaml`);
    expect(yamlRes.headers.get('content-type')).toContain('application/yaml');
    const yaml = await yamlRes.text();
    expect(yaml.trimStart().startsWith('{')).toBe(false);
    const parsed: AsyncAPIDocumentInterface[] = [];
    for (const text of [json, yaml]) {
      const { document, diagnostics } = await parser.parse(text);
      // Severity 0 is an error, 1 a warning (2 and 3 are information and hints).
      const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
      expect(problems).toEqual([]);
      expect(document).toBeDefined();
      parsed.push(document!);
    }
    expect(parsed[0]!.version()).toBe('3.0.0');
    expect(summary(parsed[1]!)).toEqual(summary(parsed[0]!));
  });

  it('lists every handler type the app registered, with the DTO schema of its content', async () => {
    const { handlers } = (await (await fetch(`${base}/ws/handlers`)).json()) as { handlers: Array<{ type: string; dto: string | null }> };
    expect(handlers.length).toBeGreaterThanOrEqual(3);
    const received = typesOf(doc, 'receive');
    for (const h of handlers) expect(received, h.type).toContain(h.type);
    const chat = doc.components.messages['client.chat.message']!.payload.properties.content;
    expect(chat).toEqual({ $ref: '#/components/schemas/ChatMessageDto' });
    const schemas = (doc.components as unknown as { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> })
      .schemas;
    expect(schemas.ChatMessageDto).toMatchObject({ properties: { text: { type: 'string', maxLength: 2000 } }, required: ['text'] });
    expect(schemas.ReportStartedDto!.properties.topic).toEqual({
      type: 'string',
      description: "task:<task_id>: subscribe to it for the task's events",
    });
  });

  it('lists every type the app sends: replies, broadcasts, task events and system messages seen in a real session', async () => {
    const alice = await WsTestClient.connect(`${base.replace('http', 'ws')}/ws/alice`);
    const bob = await WsTestClient.connect(`${base.replace('http', 'ws')}/ws/bob`);
    try {
      await alice.request({ type: 'echo', content: 'hi' });
      await alice.request({ type: 'chat.message', content: { text: 'hello' } });
      await bob.next('chat.message');
      await alice.request({ type: 'chat.message', content: { text: 42 } });
      await alice.request({ type: 'system.ping', content: 'ping' });
      const report = await alice.request({ type: 'report.generate', content: { title: 'Doc' } });
      const taskId = (report.content as { task_id: string }).task_id;
      await alice.next((m) => m.type === 'tasks_worker.task_success' && m.meta?.task_id === taskId, 20_000);
      await alice.request({ type: 'system.subscribe', content: { topic: 'room:x' } });
      await alice.request({ type: 'system.unsubscribe', content: { topic: 'room:x' } });
      const seen = new Set([...alice.messages, ...bob.messages].map((m) => m.type));
      expect(seen.size).toBeGreaterThanOrEqual(12);
      const sent = typesOf(doc, 'send');
      for (const type of seen) expect(sent, type).toContain(type);
    } finally {
      alice.close();
      bob.close();
    }
  }, 30_000);

  it('is served under the admin access rules: a request by another host name gets 403', async () => {
    expect(await statusWithHost(`${base}/ws/asyncapi.json`, 'evil.example')).toBe(403);
    expect(await statusWithHost(`${base}/ws/asyncapi.yaml`, 'evil.example')).toBe(403);
  });
});
