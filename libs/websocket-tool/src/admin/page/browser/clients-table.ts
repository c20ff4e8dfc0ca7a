import type { ClientRow, ClientsAnswer } from './admin-api.types.js';
import { query } from './client-query.js';
import { byId, el, setText } from './dom.js';
import { ago, duration, fmt } from './format.js';

interface Column {
  key: string | null;
  cls?: string;
  text: (c: ClientRow) => string;
  /** Also shown as the cell's tooltip (long values). */
  title?: boolean;
}

const topicsText = (topics: string[]): string =>
  topics.length > 3 ? topics.slice(0, 3).join(', ') + ' +' + (topics.length - 3) : topics.join(', ');

const COLUMNS: readonly Column[] = [
  { key: 'client_id', cls: 'id', text: (c) => c.client_id },
  { key: 'type', text: (c) => c.type },
  { key: 'ip', text: (c) => c.ip },
  { key: null, cls: 'ua', text: (c) => c.user_agent, title: true },
  { key: 'connected_at', text: (c) => duration(c.duration) },
  { key: 'messages_received', cls: 'num', text: (c) => fmt(c.messages_received) },
  { key: 'messages_sent', cls: 'num', text: (c) => fmt(c.messages_sent) },
  { key: 'messages_failed', cls: 'num', text: (c) => fmt(c.messages_failed) },
  { key: 'health_score', cls: 'num', text: (c) => c.health_score.toFixed(2) },
  { key: 'rate_limit_remaining', cls: 'num', text: (c) => fmt(c.rate_limit_remaining) },
  { key: 'last_pong', text: (c) => ago(c.time_since_pong) },
  { key: 'topics', text: (c) => topicsText(c.topics) },
  // Last, so the columns before it keep their places.
  { key: null, cls: 'id', text: (c) => c.user_id ?? '' },
];

/** In cluster mode the rows carry node_id: a Node column follows the Client column. */
const NODE_COLUMN: Column = { key: 'node_id', cls: 'id', text: (c) => c.node_id || '' };

let columns: readonly Column[] = COLUMNS;
/** The rows on screen by client id, kept across polls so only changed cells are touched. */
const rows = new Map<string, HTMLElement>();

function showNodeColumn(): void {
  columns = [COLUMNS[0], NODE_COLUMN, ...COLUMNS.slice(1)];
  byId('node-head').hidden = false;
  for (const tr of rows.values()) tr.remove();
  rows.clear();
}

function clientRow(c: ClientRow): HTMLElement {
  const tr = el('tr');
  tr.dataset.clientId = c.client_id;
  for (const col of columns) tr.appendChild(el('td', col.cls ? { class: col.cls } : null));
  const action = el('td');
  action.appendChild(el('button', { type: 'button', class: 'danger disconnect' }, 'Disconnect'));
  tr.appendChild(action);
  return tr;
}

const scoreClass = (score: number): string => (score > 0.8 ? 'score-ok' : score > 0.5 ? 'score-warn' : 'score-crit');

function summaryText(data: ClientsAnswer): string {
  const s = data.summary;
  const missing =
    data.missing_nodes && data.missing_nodes.length ? ' · clients of ' + data.missing_nodes.join(', ') + ' missing (no answer)' : '';
  return (
    fmt(s.total_clients) +
    ' connected · ' +
    fmt(s.named_clients) +
    ' named · ' +
    fmt(s.anonymous_clients) +
    ' anonymous · ' +
    fmt(s.healthy_clients) +
    ' healthy · ' +
    fmt(s.users ?? 0) +
    ' users' +
    missing
  );
}

/** Updates the clients table in place from `GET /ws/clients`, plus the summary and the pager. */
export function renderClients(data: ClientsAnswer): void {
  const body = byId('clients-body');
  const seen = new Set<string>();
  if (columns === COLUMNS && (data.missing_nodes || data.clients.some((c) => typeof c.node_id === 'string'))) showNodeColumn();
  const scoreIndex = columns.findIndex((col) => col.key === 'health_score');
  data.clients.forEach((c, index) => {
    let tr = rows.get(c.client_id);
    if (!tr) {
      tr = clientRow(c);
      rows.set(c.client_id, tr);
    }
    seen.add(c.client_id);
    columns.forEach((col, i) => {
      const cell = tr.children[i] as HTMLElement;
      const text = col.text(c);
      if (cell.textContent !== text) cell.textContent = text;
      if (col.title && cell.title !== text) cell.title = text;
    });
    tr.children[scoreIndex].className = 'num ' + scoreClass(c.health_score);
    if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] || null);
  });
  for (const [id, tr] of rows) {
    if (!seen.has(id)) {
      tr.remove();
      rows.delete(id);
    }
  }
  setText('clients-summary', summaryText(data));
  const from = data.total === 0 ? 0 : data.offset + 1;
  setText('page-info', fmt(from) + '–' + fmt(data.offset + data.clients.length) + ' of ' + fmt(data.total) + (query.q ? ' matching' : ''));
  byId<HTMLButtonElement>('prev').disabled = data.offset === 0;
  byId<HTMLButtonElement>('next').disabled = data.offset + data.clients.length >= data.total;
  byId('clients-empty').hidden = data.clients.length > 0;
}
