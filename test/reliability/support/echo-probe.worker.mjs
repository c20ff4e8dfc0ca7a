// The echo probe's client, on its own thread: the test's attackers run on the
// main thread, and a busy main thread must not show up as server latency.
// Reports every round trip (absolute ms: timeOrigin + now, comparable across
// threads) and the close, if any.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

const { url, headers, intervalMs, ping } = workerData;
const now = () => performance.timeOrigin + performance.now();
const sent = new Map();
let seq = 0;
let timer = null;

const socket = new WebSocket(url, { headers });
socket.on('open', () => {
  parentPort.postMessage({ kind: 'open' }, []);
  timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    const id = ++seq;
    sent.set(id, now());
    parentPort.postMessage({ kind: 'sent', id, at: sent.get(id) }, []);
    // `ping`: system.ping / system.pong, which no rate limit applies to; otherwise an echo through a handler.
    socket.send(ping ? `{"type":"system.ping","meta":{"ping_id":${id}}}` : `{"type":"echo","content":${id},"meta":{"id":${id}}}`);
  }, intervalMs);
});
socket.on('message', (data) => {
  const message = JSON.parse(data.toString());
  const id = ping ? message.meta?.ping_id : message.meta?.id;
  if (message.type !== (ping ? 'system.pong' : 'echo') || typeof id !== 'number' || !sent.has(id)) return;
  const at = sent.get(id);
  sent.delete(id);
  parentPort.postMessage({ kind: 'rtt', id, at, ms: now() - at }, []);
});
socket.on('unexpected-response', (_req, res) => parentPort.postMessage({ kind: 'refused', status: res.statusCode }, []));
socket.on('error', (err) => parentPort.postMessage({ kind: 'error', message: String(err.message) }, []));
socket.on('close', (code, reason) => {
  if (timer) clearInterval(timer);
  parentPort.postMessage({ kind: 'close', code, reason: reason.toString() }, []);
  parentPort.close();
});
parentPort.on('message', (message) => {
  if (message === 'stop') {
    if (timer) clearInterval(timer);
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
    else parentPort.close();
  }
});
