// A numbered stream and its subscribers on one node, on a thread of their own:
// the main thread also receives the other nodes' deliveries, and a burst of
// those (an outbox flushed after a Redis restart) must not show up as local
// delivery latency. Times are absolute ms (timeOrigin + now), comparable
// across threads.
//
// workerData: { publisherUrl, subscriberUrls, stream, topic, ratePerSecond, maxSeconds }
// Messages in: 'start', 'stop'. Messages out: { kind: 'ready' }, { kind: 'error', message },
// and after 'stop' { kind: 'result', sentAt, droppedLocally, subscribers: [{ seqs, arrivals, duplicates, outOfOrder }] }.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

const { publisherUrl, subscriberUrls, stream, topic, ratePerSecond, maxSeconds } = workerData;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const NAME = /"name":"([a-z]+)(\d+)"/;
const TEXT = 'x'.repeat(100);

const sentAt = [];
let droppedLocally = 0;
const publishing = { on: false };

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
  });
}

async function subscribe(url) {
  const socket = await open(url);
  const sub = { socket, arrivals: new Map(), duplicates: 0, outOfOrder: 0, highest: -1 };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no system.subscribed on ${url}`)), 10_000);
    socket.on('message', (data) => {
      const at = now();
      const body = data.toString();
      if (body.startsWith('{"type":"system.subscribed"')) {
        clearTimeout(timer);
        resolve();
        return;
      }
      if (!body.startsWith('{"type":"chat.message"')) return;
      const name = NAME.exec(body);
      if (!name || name[1] !== stream) return;
      const seq = Number(name[2]);
      if (sub.arrivals.has(seq)) {
        sub.duplicates++;
        return;
      }
      sub.arrivals.set(seq, at);
      if (seq < sub.highest) sub.outOfOrder++;
      else sub.highest = seq;
    });
    socket.send(JSON.stringify({ type: 'system.subscribe', content: { topic } }));
  });
  socket.on('error', () => undefined);
  return sub;
}

async function publish(socket) {
  const startedAt = now();
  // Paced by the clock, not by timer ticks: a late tick sends what was due meanwhile.
  while (publishing.on && socket.readyState === WebSocket.OPEN && now() - startedAt < maxSeconds * 1000) {
    const due = Math.floor(((now() - startedAt) * ratePerSecond) / 1000);
    while (sentAt.length < due) {
      const seq = sentAt.length;
      sentAt.push(now());
      socket.send(`{"type":"chat.message","content":{"text":"${TEXT}","name":"${stream}${seq}"},"meta":{"topic":"${topic}"}}`);
    }
    await sleep(2);
  }
}

/** Until every subscriber has the last message, or nothing arrived for a second (at most 10 s). */
async function tail(subs) {
  const deadline = now() + 10_000;
  let last = -1;
  let stableSince = now();
  while (now() < deadline && !subs.every((s) => s.arrivals.has(sentAt.length - 1))) {
    const total = subs.reduce((n, s) => n + s.arrivals.size, 0);
    if (total !== last) {
      last = total;
      stableSince = now();
    } else if (now() - stableSince > 1000) break;
    await sleep(20);
  }
}

async function main() {
  const publisher = await open(publisherUrl);
  publisher.on('error', () => undefined);
  publisher.on('message', (data) => {
    const body = data.toString();
    if (!body.startsWith('{"type":"chat.sent"')) return;
    const dropped = /"dropped":(\d+)/.exec(body);
    if (dropped) droppedLocally += Number(dropped[1]);
  });
  const subs = await Promise.all(subscriberUrls.map(subscribe));
  let loop = Promise.resolve();
  parentPort.on('message', async (message) => {
    if (message === 'start') {
      publishing.on = true;
      loop = publish(publisher);
    } else if (message === 'stop') {
      publishing.on = false;
      await loop;
      await tail(subs);
      parentPort.postMessage(
        {
          kind: 'result',
          sentAt,
          droppedLocally,
          subscribers: subs.map((s) => ({
            seqs: [...s.arrivals.keys()],
            arrivals: [...s.arrivals.values()],
            duplicates: s.duplicates,
            outOfOrder: s.outOfOrder,
          })),
        },
        [],
      );
      for (const socket of [publisher, ...subs.map((s) => s.socket)]) socket.close();
      await sleep(200);
      for (const socket of [publisher, ...subs.map((s) => s.socket)]) socket.terminate();
      parentPort.close();
    }
  });
  parentPort.postMessage({ kind: 'ready' }, []);
}

main().catch((err) => {
  parentPort.postMessage({ kind: 'error', message: String(err?.message ?? err) }, []);
  parentPort.close();
});
