import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { BENCH_HOST } from '../shared/bench-protocol.constants.js';
import { announceReady, failStart, guardTargetLifetime } from './target-process.js';

/**
 * The baseline: a minimal hand-written `ws` server speaking `{event, data}`.
 * It parses each frame once and serializes each outgoing message once,
 * whatever the number of recipients; topics are a `Map` of `Set`s.
 *
 * With `--cork` every socket written to is corked until the end of the
 * event-loop iteration (`setImmediate`), so everything sent to one client in
 * one iteration leaves in one write: the limit for this runtime.
 */
const cork = process.argv.includes('--cork');

interface Inbound {
  event?: unknown;
  data?: unknown;
}

const corked = new Set<Socket>();
let uncorkScheduled = false;

const uncorkAll = (): void => {
  uncorkScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
};

const send = (ws: WebSocket, text: string): void => {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (cork) {
    const socket = (ws as unknown as { _socket: Socket })._socket;
    if (!corked.has(socket)) {
      socket.cork();
      corked.add(socket);
      if (!uncorkScheduled) {
        uncorkScheduled = true;
        setImmediate(uncorkAll);
      }
    }
  }
  ws.send(text);
};

const topics = new Map<string, Set<WebSocket>>();
const topicsOf = new Map<WebSocket, string[]>();

const topicOf = (data: unknown): string | null =>
  data !== null && typeof data === 'object' && typeof (data as { topic?: unknown }).topic === 'string'
    ? (data as { topic: string }).topic
    : null;

function onMessage(wss: WebSocketServer, ws: WebSocket, raw: RawData): void {
  let message: Inbound;
  try {
    message = JSON.parse(raw.toString()) as Inbound;
  } catch {
    return;
  }
  switch (message.event) {
    case 'echo':
      send(ws, JSON.stringify({ event: 'echo', data: message.data }));
      return;
    case 'broadcast': {
      const text = JSON.stringify({ event: 'broadcast', data: message.data });
      for (const client of wss.clients) send(client, text);
      return;
    }
    case 'subscribe': {
      const topic = topicOf(message.data);
      if (topic === null) return;
      let members = topics.get(topic);
      if (!members) topics.set(topic, (members = new Set()));
      members.add(ws);
      const own = topicsOf.get(ws);
      if (own) own.push(topic);
      else topicsOf.set(ws, [topic]);
      send(ws, JSON.stringify({ event: 'subscribed', data: { topic } }));
      return;
    }
    case 'publish': {
      const topic = topicOf(message.data);
      const members = topic === null ? undefined : topics.get(topic);
      if (!members) return;
      const text = JSON.stringify({ event: 'message', data: message.data });
      for (const client of members) send(client, text);
      return;
    }
  }
}

function forget(ws: WebSocket): void {
  for (const topic of topicsOf.get(ws) ?? []) {
    const members = topics.get(topic);
    members?.delete(ws);
    if (members?.size === 0) topics.delete(topic);
  }
  topicsOf.delete(ws);
}

guardTargetLifetime();
const server = createServer();
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => {
  ws.on('message', (raw) => onMessage(wss, ws, raw));
  ws.on('close', () => forget(ws));
  ws.on('error', () => undefined);
});
server.on('error', failStart);
server.listen(0, BENCH_HOST, () => announceReady((server.address() as AddressInfo).port));
