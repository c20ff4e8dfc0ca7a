import type { ClusterAnswer, ClusterNode, HealthAnswer, RateLimitedEntry, StatsAnswer } from './admin-api.types.js';
import { byId, el, setText, statusClass } from './dom.js';
import { fmt, pct } from './format.js';
import { recordRates } from './rate-charts.js';

function renderHealth(health: HealthAnswer): void {
  const badge = byId('health');
  badge.textContent = health.status;
  badge.className = 'badge ' + (health.status === 'healthy' ? 'ok' : health.status === 'warning' ? 'warn' : 'crit');
  const box = byId('issues');
  const list = byId('issues-list');
  list.replaceChildren();
  for (const issue of health.issues) list.appendChild(el('li', null, issue));
  box.hidden = health.issues.length === 0;
  box.className = health.status === 'critical' ? 'crit' : '';
}

function renderTop(id: string, items: RateLimitedEntry[], key: 'client_id' | 'ip'): void {
  const body = byId(id);
  body.replaceChildren();
  if (!items.length) {
    const empty = el('tr');
    empty.appendChild(el('td', { colspan: '2', class: 'muted' }, 'none'));
    body.appendChild(empty);
    return;
  }
  for (const item of items) {
    const tr = el('tr');
    tr.appendChild(el('td', { class: 'id' }, item[key]));
    tr.appendChild(el('td', { class: 'num' }, fmt(item.count)));
    body.appendChild(tr);
  }
}

/** Cluster mode only: one row per live node, by id, whether it answered or not. */
function renderNodes(cluster: ClusterAnswer | null | undefined): void {
  byId('nodes').hidden = !cluster;
  if (!cluster) return;
  const rows: Array<{ id: string; n: ClusterNode | null }> = cluster.nodes
    .map((n): { id: string; n: ClusterNode | null } => ({ id: n.node_id, n }))
    .concat(cluster.missing_nodes.map((id) => ({ id, n: null })))
    .toSorted((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = byId('nodes-body');
  body.replaceChildren();
  for (const { id, n } of rows) {
    const tr = el('tr', { 'data-node-id': id });
    const name = el('td', { class: 'id' }, id);
    if (id === cluster.node_id) name.appendChild(el('span', { class: 'muted' }, ' (this node)'));
    tr.appendChild(name);
    tr.appendChild(el('td', { class: 'num' }, n ? fmt(n.stats.total_active_connections) : '–'));
    tr.appendChild(el('td', n ? { class: statusClass(n.health.status) } : null, n ? n.health.status : '–'));
    tr.appendChild(el('td', null, n ? n.backplane.state : '–'));
    tr.appendChild(el('td', { class: n ? 'score-ok' : 'score-crit' }, n ? 'yes' : 'no answer'));
    body.appendChild(tr);
  }
  setText(
    'nodes-sub',
    '(' + fmt(cluster.nodes.length) + ' of ' + fmt(rows.length) + ' answer; the totals on this page cover the nodes that answer)',
  );
}

/** Fills the health badge, the cards, the top lists, the nodes and the charts from `GET /ws/stats`. */
export function renderStats(data: StatsAnswer): void {
  const s = data.stats;
  renderHealth(data.health);
  setText('active', fmt(s.total_active_connections));
  setText('active-sub', fmt(s.active_named_connections) + ' named · ' + fmt(s.active_anonymous_connections) + ' anonymous');
  setText('totals', fmt(s.total_connections));
  setText('totals-sub', fmt(s.total_disconnections) + ' disconnections · ' + fmt(s.rejected_handshakes) + ' refused');
  setText('messages', fmt(s.messages_received) + ' / ' + fmt(s.messages_sent));
  setText('messages-sub', fmt(s.messages_failed) + ' failed · ' + fmt(s.queue_overflows) + ' overflows');
  setText('queue', fmt(s.queue_size) + ' / ' + fmt(s.max_queue_size));
  setText('queue-sub', pct(s.queue_utilization) + ' used (warning above 70%, critical above 90%)');
  const fill = byId('queue-fill');
  fill.style.width = Math.min(100, s.queue_utilization * 100) + '%';
  fill.className = 'fill' + (s.queue_utilization > 0.9 ? ' crit' : s.queue_utilization > 0.7 ? ' warn' : '');
  setText('heartbeat', fmt(s.heartbeat_timeouts));
  setText('heartbeat-sub', fmt(s.supervisor_restarts) + ' supervisor restarts');
  setText('ratelimit', fmt(s.rate_limited_messages));
  setText('ratelimit-sub', fmt(s.rate_limited_connections) + ' connections · ' + fmt(s.rate_limit_disconnects) + ' disconnects');
  renderTop('top-clients', s.top_rate_limited_clients, 'client_id');
  renderTop('top-ips', s.top_rate_limited_ips, 'ip');
  renderNodes(data.cluster);
  recordRates(data.timestamp, s);
}
