/**
 * Script of the admin page: polls the admin API every second and renders
 * everything with `textContent` / DOM calls only, never as HTML, so client
 * ids, user agents and message contents always show as text.
 */
export const ADMIN_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var meta = function (name) { return document.querySelector('meta[name="' + name + '"]').getAttribute('content') || ''; };
  // The API sits where the page does, minus the page's own path: this follows a global prefix
  // or a proxy mounting the app under a sub-path. Otherwise the configured prefix is used.
  var PAGE = meta('wst-page-path');
  var HERE = location.pathname.replace(/\/+$/, '');
  var BASE = PAGE && HERE.slice(-PAGE.length) === PAGE ? HERE.slice(0, HERE.length - PAGE.length) : meta('wst-api-base');
  var POLL_MS = 1000;
  var HISTORY_MS = 5 * 60 * 1000;
  var $ = function (id) { return document.getElementById(id); };
  var state = { q: '', sort: '', order: 'asc', limit: 25, offset: 0, total: 0, failures: 0, prev: null, history: [], rows: new Map() };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(n) { return typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(n); }
  function pct(r) { return (r * 100).toFixed(1) + '%'; }
  function ago(s) {
    if (s === null || s === undefined) return 'never';
    return duration(s) + ' ago';
  }
  function duration(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (h) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m) return m + 'm ' + String(sec).padStart(2, '0') + 's';
    return sec + 's';
  }
  function setText(id, text) { var n = $(id); if (n.textContent !== String(text)) n.textContent = String(text); }
  function notice(text) {
    var n = $('notice');
    n.textContent = text;
    n.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { n.hidden = true; }, 5000);
  }

  function request(path, init) {
    var options = Object.assign({ credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } }, init || {});
    return fetch(BASE + path, options).then(function (res) {
      return res.text().then(function (body) {
        var data = null;
        try { data = body ? JSON.parse(body) : null; } catch (e) { data = body; }
        if (!res.ok) {
          var err = new Error((data && data.message) ? [].concat(data.message).join('; ') : 'HTTP ' + res.status);
          err.status = res.status;
          err.data = data;
          throw err;
        }
        return data;
      });
    });
  }

  function setConnection(status, detail) {
    var badge = $('conn');
    badge.textContent = status;
    badge.className = 'badge ' + (status === 'live' ? 'ok' : status === 'connecting' ? '' : 'crit');
    badge.title = detail || '';
  }

  function renderHealth(health) {
    var badge = $('health');
    badge.textContent = health.status;
    badge.className = 'badge ' + (health.status === 'healthy' ? 'ok' : health.status === 'warning' ? 'warn' : 'crit');
    var box = $('issues');
    var list = $('issues-list');
    list.replaceChildren();
    health.issues.forEach(function (issue) { list.appendChild(el('li', null, issue)); });
    box.hidden = health.issues.length === 0;
    box.className = health.status === 'critical' ? 'crit' : '';
  }

  function renderStats(data) {
    var s = data.stats;
    renderHealth(data.health);
    setText('active', fmt(s.total_active_connections));
    setText('active-sub', fmt(s.active_named_connections) + ' named · ' + fmt(s.active_anonymous_connections) + ' anonymous');
    setText('totals', fmt(s.total_connections));
    setText('totals-sub', fmt(s.total_disconnections) + ' disconnections · ' + fmt(s.rejected_handshakes) + ' refused');
    setText('messages', fmt(s.messages_received) + ' / ' + fmt(s.messages_sent));
    setText('messages-sub', fmt(s.messages_failed) + ' failed · ' + fmt(s.queue_overflows) + ' overflows');
    setText('queue', fmt(s.queue_size) + ' / ' + fmt(s.max_queue_size));
    setText('queue-sub', pct(s.queue_utilization) + ' used (warning above 70%, critical above 90%)');
    var fill = $('queue-fill');
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

  // Cluster mode only: one row per live node, by id, whether it answered or not.
  function renderNodes(cluster) {
    $('nodes').hidden = !cluster;
    if (!cluster) return;
    var rows = cluster.nodes.map(function (n) { return { id: n.node_id, n: n }; })
      .concat(cluster.missing_nodes.map(function (id) { return { id: id, n: null }; }))
      .sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    var body = $('nodes-body');
    body.replaceChildren();
    rows.forEach(function (r) {
      var n = r.n;
      var tr = el('tr', { 'data-node-id': r.id });
      var name = el('td', { class: 'id' }, r.id);
      if (r.id === cluster.node_id) name.appendChild(el('span', { class: 'muted' }, ' (this node)'));
      tr.appendChild(name);
      tr.appendChild(el('td', { class: 'num' }, n ? fmt(n.stats.total_active_connections) : '–'));
      tr.appendChild(el('td', n ? { class: statusClass(n.health.status) } : null, n ? n.health.status : '–'));
      tr.appendChild(el('td', null, n ? n.backplane.state : '–'));
      tr.appendChild(el('td', { class: n ? 'score-ok' : 'score-crit' }, n ? 'yes' : 'no answer'));
      body.appendChild(tr);
    });
    setText('nodes-sub', '(' + fmt(cluster.nodes.length) + ' of ' + fmt(rows.length) + ' answer; the totals on this page cover the nodes that answer)');
  }
  function statusClass(status) { return status === 'healthy' ? 'score-ok' : status === 'warning' ? 'score-warn' : 'score-crit'; }

  function renderTop(id, items, key) {
    var body = $(id);
    body.replaceChildren();
    if (!items.length) {
      var empty = el('tr');
      empty.appendChild(el('td', { colspan: '2', class: 'muted' }, 'none'));
      body.appendChild(empty);
      return;
    }
    items.forEach(function (item) {
      var tr = el('tr');
      tr.appendChild(el('td', { class: 'id' }, item[key]));
      tr.appendChild(el('td', { class: 'num' }, fmt(item.count)));
      body.appendChild(tr);
    });
  }

  var SERIES = [
    { key: 'messages_received', chart: 'chart-received', color: '#1d4ed8' },
    { key: 'messages_sent', chart: 'chart-sent', color: '#15803d' },
    { key: 'messages_failed', chart: 'chart-failed', color: '#b91c1c' }
  ];

  function recordRates(timestamp, s) {
    var now = timestamp * 1000;
    if (state.prev && now > state.prev.at) {
      var dt = (now - state.prev.at) / 1000;
      var point = { at: now };
      SERIES.forEach(function (series) { point[series.key] = Math.max(0, (s[series.key] - state.prev[series.key]) / dt); });
      state.history.push(point);
      while (state.history.length && state.history[0].at < now - HISTORY_MS) state.history.shift();
    }
    state.prev = { at: now };
    SERIES.forEach(function (series) { state.prev[series.key] = s[series.key]; });
    SERIES.forEach(function (series) { drawChart(series, now, s); });
  }

  function drawChart(series, now, s) {
    var svg = $(series.chart);
    var line = svg.querySelector('polyline');
    var max = 1;
    state.history.forEach(function (p) { if (p[series.key] > max) max = p[series.key]; });
    // The x axis covers the history there is, from one minute up to five.
    var span = Math.min(HISTORY_MS, Math.max(60000, state.history.length ? now - state.history[0].at : 0));
    var points = state.history.map(function (p) {
      var x = 300 - ((now - p.at) / span) * 300;
      var y = 58 - (p[series.key] / max) * 54;
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    line.setAttribute('points', points.join(' '));
    line.setAttribute('stroke', series.color);
    var last = state.history.length ? state.history[state.history.length - 1][series.key] : 0;
    setText(series.chart + '-now', fmt(Math.round(last * 10) / 10) + '/s now · ' + fmt(s[series.key.replace('messages_', '') + '_per_sec']) + '/s avg 60 s · peak ' + fmt(Math.round(max * 10) / 10));
  }

  var COLUMNS = [
    { key: 'client_id', cls: 'id', text: function (c) { return c.client_id; } },
    { key: 'type', text: function (c) { return c.type; } },
    { key: 'ip', text: function (c) { return c.ip; } },
    { key: null, cls: 'ua', text: function (c) { return c.user_agent; }, title: true },
    { key: 'connected_at', text: function (c) { return duration(c.duration); } },
    { key: 'messages_received', cls: 'num', text: function (c) { return fmt(c.messages_received); } },
    { key: 'messages_sent', cls: 'num', text: function (c) { return fmt(c.messages_sent); } },
    { key: 'messages_failed', cls: 'num', text: function (c) { return fmt(c.messages_failed); } },
    { key: 'health_score', cls: 'num', text: function (c) { return c.health_score.toFixed(2); } },
    { key: 'rate_limit_remaining', cls: 'num', text: function (c) { return fmt(c.rate_limit_remaining); } },
    { key: 'last_pong', text: function (c) { return ago(c.time_since_pong); } },
    { key: 'topics', text: function (c) { return c.topics.length > 3 ? c.topics.slice(0, 3).join(', ') + ' +' + (c.topics.length - 3) : c.topics.join(', '); } }
  ];

  // In cluster mode the rows carry node_id: a Node column follows the Client column.
  var NODE_COLUMN = { key: 'node_id', cls: 'id', text: function (c) { return c.node_id || ''; } };
  var columns = COLUMNS;
  function showNodeColumn() {
    columns = [COLUMNS[0], NODE_COLUMN].concat(COLUMNS.slice(1));
    $('node-head').hidden = false;
    state.rows.forEach(function (tr) { tr.remove(); });
    state.rows.clear();
  }

  function clientRow(c) {
    var tr = el('tr');
    tr.dataset.clientId = c.client_id;
    columns.forEach(function (col) { tr.appendChild(el('td', col.cls ? { class: col.cls } : null)); });
    var action = el('td');
    var button = el('button', { type: 'button', class: 'danger disconnect' }, 'Disconnect');
    button.addEventListener('click', function () { disconnect(tr.dataset.clientId); });
    action.appendChild(button);
    tr.appendChild(action);
    return tr;
  }

  function renderClients(data) {
    state.total = data.total;
    var body = $('clients-body');
    var seen = new Set();
    if (columns === COLUMNS && (data.missing_nodes || data.clients.some(function (c) { return typeof c.node_id === 'string'; }))) showNodeColumn();
    var scoreIndex = columns.findIndex(function (col) { return col.key === 'health_score'; });
    data.clients.forEach(function (c, index) {
      var tr = state.rows.get(c.client_id);
      if (!tr) { tr = clientRow(c); state.rows.set(c.client_id, tr); }
      seen.add(c.client_id);
      columns.forEach(function (col, i) {
        var cell = tr.children[i];
        var text = col.text(c);
        if (cell.textContent !== text) cell.textContent = text;
        if (col.title && cell.title !== text) cell.title = text;
      });
      var score = tr.children[scoreIndex];
      score.className = 'num ' + (c.health_score > 0.8 ? 'score-ok' : c.health_score > 0.5 ? 'score-warn' : 'score-crit');
      if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] || null);
    });
    state.rows.forEach(function (tr, id) { if (!seen.has(id)) { tr.remove(); state.rows.delete(id); } });
    var summary = data.summary;
    setText('clients-summary', fmt(summary.total_clients) + ' connected · ' + fmt(summary.named_clients) + ' named · ' + fmt(summary.anonymous_clients) + ' anonymous · ' + fmt(summary.healthy_clients) + ' healthy' +
      (data.missing_nodes && data.missing_nodes.length ? ' · clients of ' + data.missing_nodes.join(', ') + ' missing (no answer)' : ''));
    var from = data.total === 0 ? 0 : data.offset + 1;
    setText('page-info', fmt(from) + '–' + fmt(data.offset + data.clients.length) + ' of ' + fmt(data.total) + (state.q ? ' matching' : ''));
    $('prev').disabled = data.offset === 0;
    $('next').disabled = data.offset + data.clients.length >= data.total;
    $('clients-empty').hidden = data.clients.length > 0;
  }

  function clientsPath() {
    var params = new URLSearchParams({ limit: String(state.limit), offset: String(state.offset) });
    if (state.q) params.set('q', state.q);
    if (state.sort) { params.set('sort', state.sort); params.set('order', state.order); }
    return '/ws/clients?' + params.toString();
  }

  function disconnect(id) {
    if (!window.confirm('Disconnect client "' + id + '"? It will be closed with code 4000.')) return;
    request('/ws/clients/' + encodeURIComponent(id), { method: 'DELETE' }).then(function (res) {
      notice(res.message);
      tick();
    }, function (err) { notice('Disconnect failed: ' + err.message); });
  }

  var timer = null;
  var busy = false;
  var again = false;
  function tick() {
    if (busy) { again = true; return; }
    busy = true;
    clearTimeout(timer);
    Promise.all([request('/ws/stats'), request(clientsPath())]).then(function (results) {
      renderStats(results[0]);
      renderClients(results[1]);
      state.failures = 0;
      setConnection('live');
      setText('updated', 'updated ' + new Date().toLocaleTimeString());
    }, function (err) {
      state.failures++;
      if (err.status === 401 || err.status === 403) setConnection('unauthorized', err.message);
      else if (err.status === 400) { setConnection('live'); notice(err.message); }
      else setConnection('disconnected', err.message);
    }).then(function () {
      busy = false;
      if (again) { again = false; tick(); } else timer = setTimeout(tick, state.failures ? 2000 : POLL_MS);
    });
  }

  function loadInfo() {
    request('/ws/handlers').then(function (data) {
      var body = $('handlers-body');
      body.replaceChildren();
      data.handlers.forEach(function (h) {
        var tr = el('tr');
        tr.appendChild(el('td', { class: 'id' }, h.type));
        tr.appendChild(el('td', null, h.provider + '.' + h.method));
        tr.appendChild(el('td', null, h.dto || '—'));
        tr.appendChild(el('td', null, h.rate_limit === null ? 'default' : h.rate_limit === false ? 'none' : h.rate_limit.limit + ' / ' + h.rate_limit.window + ' s'));
        body.appendChild(tr);
      });
      $('handlers-empty').hidden = data.handlers.length > 0;
    }, function () {});
    request('/info/config').then(function (data) {
      var body = $('config-body');
      body.replaceChildren();
      data.settings.forEach(function (s) {
        var tr = el('tr');
        tr.appendChild(el('td', { class: 'id' }, s.option));
        tr.appendChild(el('td', { class: 'id' }, s.env));
        tr.appendChild(el('td', null, JSON.stringify(s.value)));
        tr.appendChild(el('td', { class: 'muted' }, JSON.stringify(s.default)));
        tr.appendChild(el('td', null, s.source));
        body.appendChild(tr);
      });
    }, function () {});
  }

  function wire() {
    var search = $('client-search');
    var debounce = null;
    search.addEventListener('input', function () {
      clearTimeout(debounce);
      debounce = setTimeout(function () { state.q = search.value.trim(); state.offset = 0; tick(); }, 250);
    });
    $('page-size').addEventListener('change', function (e) { state.limit = Number(e.target.value); state.offset = 0; tick(); });
    $('prev').addEventListener('click', function () { state.offset = Math.max(0, state.offset - state.limit); tick(); });
    $('next').addEventListener('click', function () { state.offset += state.limit; tick(); });
    document.querySelectorAll('th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () {
        var key = th.getAttribute('data-sort');
        if (state.sort === key) state.order = state.order === 'asc' ? 'desc' : 'asc';
        else { state.sort = key; state.order = key === 'client_id' || key === 'ip' || key === 'type' || key === 'node_id' ? 'asc' : 'desc'; }
        document.querySelectorAll('th[data-sort]').forEach(function (other) {
          other.textContent = other.getAttribute('data-label') + (other === th ? (state.order === 'asc' ? ' ▲' : ' ▼') : '');
        });
        state.offset = 0;
        tick();
      });
    });
    var target = $('send-target');
    target.addEventListener('change', function () {
      $('send-to').disabled = target.value === 'all';
      $('send-to').placeholder = target.value === 'topic' ? 'topic name' : target.value === 'client' ? 'client id' : 'everyone';
    });
    $('send-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var out = $('send-result');
      var body;
      try { body = sendBody(); } catch (err) { out.textContent = err.message; return; }
      var path = '/ws/send-message';
      request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }).then(function (res) {
        out.textContent = '202 ' + res.message + ' (queued ' + res.queued + ', dropped ' + res.dropped + ')';
      }, function (err) {
        out.textContent = (err.status || 'network') + ' ' + err.message;
      });
    });
  }

  function sendBody() {
    var type = $('send-type').value.trim();
    if (!type) throw new Error('Type is required.');
    var raw = $('send-content').value;
    var content = raw;
    if ($('send-content-json').checked) {
      try { content = JSON.parse(raw); } catch (e) { throw new Error('Content is not valid JSON: ' + e.message); }
    }
    var body = { type: type, content: content };
    var metaText = $('send-meta').value.trim();
    if (metaText) {
      var meta;
      try { meta = JSON.parse(metaText); } catch (e) { throw new Error('Meta is not valid JSON: ' + e.message); }
      if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new Error('Meta must be a JSON object.');
      body.meta = meta;
    }
    var target = $('send-target').value;
    var to = $('send-to').value.trim();
    if (target !== 'all' && !to) throw new Error('Say which ' + (target === 'topic' ? 'topic' : 'client') + ' to send to.');
    if (target === 'client') body.client_id = to;
    if (target === 'topic') body.topic = to;
    return body;
  }

  wire();
  setConnection('connecting');
  tick();
  loadInfo();
  setInterval(loadInfo, 30000);
})();
`;
