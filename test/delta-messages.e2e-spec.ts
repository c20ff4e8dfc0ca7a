import { WebSocketToolClient, type WebSocketConstructorLike, type WsMessage } from '@websocket-tool/client';
import { BroadcastService } from '@websocket-tool/nestjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

const FIELDS = 100;
const UPDATES = 200;

/** A 4 KB JSON document of 100 fields; each update changes one of them (about 1 %). */
function documents(count: number): Array<Record<string, string>> {
  const doc: Record<string, string> = {};
  for (let i = 0; i < FIELDS; i++) doc[`field_${i}`] = `value-${i}-`.padEnd(28, 'abcdefghij');
  const out = [{ ...doc }];
  for (let n = 1; n < count; n++) {
    const field = `field_${(n * 37) % FIELDS}`;
    doc[field] = `changed-${n}-`.padEnd(28, 'klmnopqrst');
    out.push({ ...doc });
  }
  return out;
}

/** Counts the bytes of every frame a client receives: what crossed the wire for it. */
function countingWebSocket(counter: { bytes: number }): WebSocketConstructorLike {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: RawData) => {
        counter.bytes += Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));
      });
    }
  } as unknown as WebSocketConstructorLike;
}

/** The message as the server serialized it: type, content, meta, timestamp, in that order. */
const textOf = (m: WsMessage) => JSON.stringify({ type: m.type, content: m.content, meta: m.meta, timestamp: m.timestamp });

describe('delta messages on a topic with deltas', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  const docs = documents(UPDATES);

  beforeAll(async () => {
    t = await createTestApp({ enableMetrics: false, topics: [{ pattern: 'doc:*', delta: true }] });
    broadcast = t.app.get(BroadcastService);
  });
  afterAll(() => t.close());

  it('a 4 KB document changing 1 % per update: at least 5x fewer bytes with deltas, every document rebuilt byte-identical', async () => {
    const withDeltas = { bytes: 0 };
    const full = { bytes: 0 };
    const deltaClient = new WebSocketToolClient(`${t.ws}/ws`, { clientId: 'delta-on', WebSocket: countingWebSocket(withDeltas) });
    const fullClient = new WebSocketToolClient(`${t.ws}/ws`, { clientId: 'delta-off', WebSocket: countingWebSocket(full) });
    const raw = await WsTestClient.connect(`${t.ws}/ws/delta-raw`);
    try {
      const seen: WsMessage[] = [];
      deltaClient.on('doc.state', (m) => void seen.push(m));
      await Promise.all([deltaClient.subscribe('doc:1', { delta: true }), fullClient.subscribe('doc:1')]);
      raw.send({ type: 'system.subscribe', content: { topic: 'doc:1' }, meta: { id: 's' } });
      await raw.next('system.subscribed');
      const before = { delta: withDeltas.bytes, full: full.bytes };

      for (const [seq, doc] of docs.entries()) {
        broadcast.publish('doc:1', { type: 'doc.state', content: { seq, doc } });
        if (seq % 20 === 19) await sleep(2);
      }
      await raw.next((m) => m.type === 'doc.state' && (m.content as { seq: number }).seq === UPDATES - 1);
      const deadline = Date.now() + 5000;
      while (seen.length < UPDATES && Date.now() < deadline) await sleep(10);

      expect(seen).toHaveLength(UPDATES);
      const sent = raw.ofType('doc.state');
      for (let i = 0; i < UPDATES; i++) expect(textOf(seen[i])).toBe(JSON.stringify(sent[i]));
      expect(seen.map((m) => (m.content as { doc: unknown }).doc)).toEqual(docs);
      expect(deltaClient.deltaStats).toEqual({ rebuilt: UPDATES - 1, mismatched: 0 });

      const deltaBytes = withDeltas.bytes - before.delta;
      const fullBytes = full.bytes - before.full;
      expect(fullBytes / deltaBytes).toBeGreaterThanOrEqual(5);
    } finally {
      raw.close();
      await Promise.all([deltaClient.close(), fullClient.close()]);
    }
  });

  it('a delta that does not match the client copy falls back to the full message, and deltas resume', async () => {
    const client = new WebSocketToolClient(`${t.ws}/ws`, { clientId: 'delta-mismatch' });
    try {
      const seen: number[] = [];
      client.on('doc.state', (m) => void seen.push((m.content as { seq: number }).seq));
      await client.subscribe('doc:2', { delta: true });
      broadcast.publish('doc:2', { type: 'doc.state', content: { seq: 0, doc: docs[0] } });
      broadcast.publish('doc:2', { type: 'doc.state', content: { seq: 1, doc: docs[1] } });
      const deadline = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < deadline) await sleep(10);
      expect(client.deltaStats).toEqual({ rebuilt: 1, mismatched: 0 });

      // The client's copy goes wrong (as if a frame were lost): the next delta cannot be checked.
      (client as unknown as { deltas: { copies: Map<string, string> } }).deltas.copies.set('doc:2', '{"type":"doc.state"}');
      broadcast.publish('doc:2', { type: 'doc.state', content: { seq: 2, doc: docs[2] } });
      while (!seen.includes(2) && Date.now() < deadline) await sleep(10);
      broadcast.publish('doc:2', { type: 'doc.state', content: { seq: 3, doc: docs[3] } });
      while (!seen.includes(3) && Date.now() < deadline) await sleep(10);

      // Message 2 came in full after the reset, then 3 as a delta again.
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(client.deltaStats).toEqual({ rebuilt: 2, mismatched: 1 });
    } finally {
      await client.close();
    }
  });
});

describe('delta messages in cluster mode: published on one node, sent as deltas by the other', () => {
  const prefix = uniquePrefix('delta');
  let nodes: ClusterNode[] = [];
  const docs = documents(50);

  beforeAll(async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster delta test needs it.');
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 2, { topics: [{ pattern: 'doc:*', delta: true }] });
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('a subscriber of node 2 rebuilds every document node 1 publishes', async () => {
    const client = new WebSocketToolClient(`${nodes[1].ws}/ws`, { clientId: 'delta-cluster' });
    try {
      const seen: WsMessage[] = [];
      client.on('doc.state', (m) => void seen.push(m));
      await client.subscribe('doc:c', { delta: true });
      // Until node 1 publishes and node 2 delivers, the subscription may not be known cluster-wide: retry the first one.
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) {
        nodes[0].broadcast.publish('doc:c', { type: 'doc.state', content: { seq: -1, doc: {} } });
        await sleep(50);
      }
      for (const [seq, doc] of docs.entries()) nodes[0].broadcast.publish('doc:c', { type: 'doc.state', content: { seq, doc } });
      while (!seen.some((m) => (m.content as { seq: number }).seq === docs.length - 1) && Date.now() < deadline) await sleep(10);
      const got = seen.filter((m) => (m.content as { seq: number }).seq >= 0).map((m) => (m.content as { doc: unknown }).doc);
      expect(got).toEqual(docs);
      expect(client.deltaStats.mismatched).toBe(0);
      // The first document differs wholly from the warm-up message: its delta would not be smaller, so it comes in full.
      expect(client.deltaStats.rebuilt).toBeGreaterThanOrEqual(docs.length - 1);
    } finally {
      await client.close();
    }
  });
});

describe('delta messages on a topic whose history is in Redis, three nodes', () => {
  const prefix = uniquePrefix('delta-history');
  let nodes: ClusterNode[] = [];
  const docs = documents(60);

  beforeAll(async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster delta test needs it.');
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, {
      topics: [{ pattern: 'hdoc:*', history: { size: 100, ttlSeconds: 60 }, delta: true }],
    });
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('documents published on all three nodes: every subscriber rebuilds each one, in the history order, from deltas', async () => {
    const counters = nodes.map(() => ({ bytes: 0 }));
    const full = { bytes: 0 };
    const clients = nodes.map(
      (node, n) => new WebSocketToolClient(`${node.ws}/ws`, { clientId: `hdelta-${n}`, WebSocket: countingWebSocket(counters[n]) }),
    );
    const fullClient = new WebSocketToolClient(`${nodes[0].ws}/ws`, { clientId: 'hdelta-full', WebSocket: countingWebSocket(full) });
    try {
      const seen: WsMessage[][] = nodes.map(() => []);
      for (const [n, client] of clients.entries()) client.on('doc.state', (m) => void seen[n].push(m));
      await Promise.all([...clients.map((c) => c.subscribe('hdoc:1', { delta: true })), fullClient.subscribe('hdoc:1')]);
      const before = { deltas: counters.map((c) => c.bytes), full: full.bytes };

      // Round robin over the nodes, not waiting: Redis decides the one order all of them deliver.
      for (const [seq, doc] of docs.entries()) nodes[seq % 3].broadcast.publish('hdoc:1', { type: 'doc.state', content: { seq, doc } });
      await waitFor(() => seen.every((s) => s.length === docs.length), 'every document at every subscriber', 15_000);

      const page = (await nodes[1].broadcast.history('hdoc:1'))!;
      expect(page.messages).toHaveLength(docs.length);
      for (const [n, client] of clients.entries()) {
        // Byte-identical to what the history keeps, in its order.
        expect(seen[n].map(textOf)).toEqual(page.messages.map((m) => JSON.stringify(m)));
        expect(client.deltaStats.mismatched).toBe(0);
        expect(client.deltaStats.rebuilt).toBeGreaterThanOrEqual(docs.length - 1);
        expect((full.bytes - before.full) / (counters[n].bytes - before.deltas[n])).toBeGreaterThanOrEqual(5);
      }
    } finally {
      await Promise.all([...clients.map((c) => c.close()), fullClient.close()]);
    }
  });
});
