/**
 * The "generate report" panel of the demo page, served as `/sample-tasks.js`:
 * starts a report task over the WebSocket, subscribes to its topic and shows
 * a live progress bar and log. Events are matched by task id and
 * de-duplicated by their `seq` (a replayed history can repeat events).
 */
import type { WebSocketToolClient as Client, WsMessage } from '@websocket-tool/client';
import { byId, line } from './dom.js';
import { CLIENT_EVENT } from './sample-globals.js';
import { createWsApi } from './ws-api.js';

/** The last `seq` seen per task id. */
const lastSeq = new Map<string, number>();
let bound: Client | null = null;
/** The task the panel shows. */
let current: string | null = null;
/** A start was asked for and its reply has not come yet. */
let pending = false;

const log = (text: string, cls = ''): void => line(byId('task-log'), text, cls);

function setState(text: string, cls: string): void {
  const state = byId('task-state');
  state.textContent = text;
  state.className = cls;
}

/** True if the event is about the task shown and was not seen before. */
function fresh(m: WsMessage): boolean {
  const id = m.meta && m.meta.task_id;
  if (typeof id !== 'string') return false;
  // The owner may hear of its task before the reply that names it arrives.
  if (current === null && pending) {
    current = id;
    byId('task-id').textContent = id;
  }
  if (id !== current) return false;
  const seq = typeof m.meta.seq === 'number' ? m.meta.seq : 0;
  if (seq && seq <= (lastSeq.get(id) ?? 0)) return false;
  if (seq) lastSeq.set(id, seq);
  return true;
}

function setProgress(percent: number, text: string): void {
  byId('task-bar').style.width = Math.max(0, Math.min(100, percent)) + '%';
  byId('task-percent').textContent = Math.round(percent) + '%';
  if (text) byId('task-step').textContent = text;
}

function finished(): void {
  byId<HTMLButtonElement>('generate').disabled = false;
}

function bind(client: Client | undefined): void {
  if (!client || bound === client) return;
  bound = client;
  const api = createWsApi(client);
  api.on.tasksWorkerTaskStarted((m) => {
    if (!fresh(m)) return;
    setState('running', 'badge running');
    log('started: ' + String(m.content), 'sys');
  });
  api.on.tasksWorkerTaskProgress((m) => {
    if (fresh(m)) setProgress(m.meta.percent, m.content ?? '');
  });
  api.on.tasksWorkerLogs((m) => {
    if (fresh(m)) log('[' + m.meta.level + '] ' + m.content, m.meta.level === 'ERROR' ? 'err' : '');
  });
  api.on.tasksWorkerTaskSuccess((m) => {
    if (!fresh(m)) return;
    setProgress(100, 'done');
    setState('succeeded', 'badge ok');
    log(String(m.content), 'sys');
    finished();
  });
  api.on.tasksWorkerTaskFailed((m) => {
    if (!fresh(m)) return;
    setState('failed', 'badge failed');
    log('failed: ' + m.meta.error, 'err');
    finished();
  });
}

function generate(e: Event): void {
  e.preventDefault();
  const client = window.sampleClient;
  if (!client) return;
  byId<HTMLButtonElement>('generate').disabled = true;
  current = null;
  pending = true;
  byId('task-log').textContent = '';
  setState('starting', 'badge');
  setProgress(0, '');
  const content = {
    title: byId<HTMLInputElement>('task-title').value.trim() || 'Quarterly report',
    fail: byId<HTMLInputElement>('task-fail').checked,
  };
  createWsApi(client)
    .request.reportGenerate(content)
    .then(
      (reply) => {
        const id = reply.content.task_id;
        pending = false;
        current = id;
        byId('task-id').textContent = id;
        byId('task-mode').textContent = reply.content.mode;
        // Events sent to the owner before this reply are replayed from the history.
        return client.subscribeTask(id);
      },
      (err: Error) => {
        pending = false;
        setState('not started: ' + err.message, 'badge failed');
        finished();
      },
    );
}

document.addEventListener(CLIENT_EVENT, (event) => bind(event.detail));
bind(window.sampleClient);
byId('task-form').addEventListener('submit', generate);
