import { createHash } from 'node:crypto';
import { ADMIN_PAGE_STYLES } from './admin-page.styles.js';

const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Content-Security-Policy of the admin page: only its own inline script and
 * style (by hash) run, it talks only to its own origin, and it cannot be
 * framed. Even markup injected by a bug could not run script.
 *
 * @param script - the page's inline script; null when it is not built (then no script may run)
 */
export function adminPageCsp(script: string | null): string {
  return [
    "default-src 'none'",
    `script-src ${script === null ? "'none'" : cspHash(script)}`,
    `style-src ${cspHash(ADMIN_PAGE_STYLES)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Shown instead of the script when the library's build did not bundle it. */
const SCRIPT_MISSING = '<p id="script-missing">The admin page script is not built: run <code>npm run build</code>.</p>';

const escapeAttribute = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const th = (label: string, sort?: string, numeric = false): string =>
  `<th${numeric ? ' class="num"' : ''}${sort ? ` data-sort="${sort}" data-label="${label}"` : ''}>${label}</th>`;

/**
 * The admin dashboard. Its script finds the API by removing `pagePath` from
 * its own URL (so a global prefix or a proxy sub-path just works), falling
 * back to `apiBase` (the admin prefix). The Node column and the Nodes
 * section stay hidden unless the API answers in cluster mode.
 *
 * @param script - the bundled page script (`loadAdminPageScript()`), inlined; null if it is not built
 */
export function renderAdminPage(apiBase: string, pagePath: string, script: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="wst-api-base" content="${escapeAttribute(apiBase)}">
<meta name="wst-page-path" content="${escapeAttribute(pagePath)}">
<link rel="icon" href="data:,">
<title>WebSocketTool admin</title>
<style>${ADMIN_PAGE_STYLES}</style>
</head>
<body>
<header>
  <h1>WebSocketTool admin</h1>
  <span class="small">health</span><span id="health" class="badge">…</span>
  <span class="small">server</span><span id="conn" class="badge">connecting</span>
  <span id="updated"></span>
</header>
<main>
  <section id="issues" hidden><h2>Health issues</h2><ul id="issues-list"></ul></section>
  <section class="cards">
    <div class="card"><div class="label">Active connections</div><div class="value" id="active">–</div><div class="sub" id="active-sub"></div></div>
    <div class="card"><div class="label">Connections since start</div><div class="value" id="totals">–</div><div class="sub" id="totals-sub"></div></div>
    <div class="card"><div class="label">Messages received / sent</div><div class="value" id="messages">–</div><div class="sub" id="messages-sub"></div></div>
    <div class="card"><div class="label">Outbound queue</div><div class="value" id="queue">–</div>
      <div class="bar"><div class="fill" id="queue-fill"></div><div class="mark m70"></div><div class="mark m90"></div></div>
      <div class="sub" id="queue-sub"></div></div>
    <div class="card"><div class="label">Heartbeat timeouts</div><div class="value" id="heartbeat">–</div><div class="sub" id="heartbeat-sub"></div></div>
    <div class="card"><div class="label">Rate-limited messages</div><div class="value" id="ratelimit">–</div><div class="sub" id="ratelimit-sub"></div></div>
  </section>
  <section id="nodes" hidden>
    <h2>Nodes <span id="nodes-sub" class="muted small"></span></h2>
    <table><thead><tr><th>Node</th><th class="num">Connections</th><th>Health</th><th>Redis link</th><th>Answers</th></tr></thead><tbody id="nodes-body"></tbody></table>
  </section>
  <section>
    <h2>Messages per second <span class="muted small">(up to the last 5 minutes)</span></h2>
    <div class="charts">
      <div class="chart"><div class="head"><span>received</span><span id="chart-received-now"></span></div><svg id="chart-received" viewBox="0 0 300 60" preserveAspectRatio="none"><polyline points=""/></svg></div>
      <div class="chart"><div class="head"><span>sent</span><span id="chart-sent-now"></span></div><svg id="chart-sent" viewBox="0 0 300 60" preserveAspectRatio="none"><polyline points=""/></svg></div>
      <div class="chart"><div class="head"><span>failed</span><span id="chart-failed-now"></span></div><svg id="chart-failed" viewBox="0 0 300 60" preserveAspectRatio="none"><polyline points=""/></svg></div>
    </div>
  </section>
  <section>
    <h2>Clients</h2>
    <div class="toolbar">
      <input id="client-search" type="search" placeholder="Search id, IP, user agent" aria-label="Search clients" size="30">
      <span id="clients-summary" class="muted grow"></span>
      <label class="small">per page <select id="page-size"><option>25</option><option>50</option><option>100</option><option>250</option></select></label>
      <button type="button" id="prev">‹ Prev</button><span id="page-info" class="small"></span><button type="button" id="next">Next ›</button>
    </div>
    <div class="scroll"><table id="clients">
      <thead><tr>${th('Client', 'client_id')}<th id="node-head" data-sort="node_id" data-label="Node" hidden>Node</th>${th('Type', 'type')}${th('IP', 'ip')}${th('User agent')}${th('Connected', 'connected_at')}${th(
        'Recv',
        'messages_received',
        true,
      )}${th('Sent', 'messages_sent', true)}${th('Failed', 'messages_failed', true)}${th('Health', 'health_score', true)}${th(
        'Rate left',
        'rate_limit_remaining',
        true,
      )}${th('Last pong', 'last_pong')}${th('Topics', 'topics')}${th('User')}<th></th></tr></thead>
      <tbody id="clients-body"></tbody>
    </table></div>
    <p id="clients-empty" class="muted" hidden>No client matches.</p>
  </section>
  <section>
    <h2>Topics <span id="topics-sub" class="muted small"></span></h2>
    <div class="scroll"><table id="topics"><thead><tr><th>Topic</th><th class="num">Subscribers</th><th class="num">Offset</th><th class="num">Messages kept</th><th>Epoch</th><th>Shard</th></tr></thead><tbody id="topics-body"></tbody></table></div>
    <p id="topics-empty" class="muted" hidden>No topic has subscribers.</p>
  </section>
  <section>
    <h2>Presence <span id="presence-sub" class="muted small"></span></h2>
    <form id="presence-form" class="send" autocomplete="off">
      <label for="presence-topic">Topic</label><input id="presence-topic" maxlength="200" placeholder="a topic with presence, or click a topic above">
      <button type="submit">Show members</button>
    </form>
    <div class="scroll"><table id="presence"><thead><tr><th>Client</th><th>User</th><th>Node</th><th>Info</th><th>Joined</th></tr></thead><tbody id="presence-body"></tbody></table></div>
    <p id="presence-empty" class="muted" hidden>No member.</p>
  </section>
  <section class="half">
    <h2>Send a message</h2>
    <form id="send-form" class="send" autocomplete="off">
      <label for="send-target">To</label>
      <div><select id="send-target"><option value="all">everyone</option><option value="client">one client</option><option value="topic">a topic</option></select>
        <input id="send-to" placeholder="everyone" disabled></div>
      <label for="send-type">Type</label><input id="send-type" value="admin_message" maxlength="200">
      <label for="send-content">Content</label>
      <div><textarea id="send-content" placeholder="Text, or JSON with the box ticked"></textarea>
        <label class="small"><input type="checkbox" id="send-content-json"> content is JSON</label></div>
      <label for="send-meta">Meta (JSON)</label><textarea id="send-meta" placeholder='{"level": "info"}'></textarea>
      <span></span><div><button type="submit" class="primary" id="send-button">Send</button></div>
      <span class="small muted">Result</span><pre id="send-result" class="small">–</pre>
    </form>
  </section>
  <section class="half">
    <h2>Top rate-limited</h2>
    <table><thead><tr><th>Client</th><th class="num">Rejections</th></tr></thead><tbody id="top-clients"></tbody></table>
    <br>
    <table><thead><tr><th>IP</th><th class="num">Rejections</th></tr></thead><tbody id="top-ips"></tbody></table>
  </section>
  <section class="half">
    <h2>Message handlers</h2>
    <table><thead><tr><th>Type</th><th>Handler</th><th>DTO</th><th>Rate limit</th></tr></thead><tbody id="handlers-body"></tbody></table>
    <p id="handlers-empty" class="muted" hidden>No @OnWsMessage handler is registered.</p>
  </section>
  <section class="half">
    <h2>Settings</h2>
    <div class="scroll"><table><thead><tr><th>Option</th><th>Environment variable</th><th>Value</th><th>Default</th><th>Source</th></tr></thead><tbody id="config-body"></tbody></table></div>
  </section>
  <section id="protocol">
    <h2>Protocol <span class="muted small">every message type of the WebSocket, from the AsyncAPI 3.0 document
      (<a id="protocol-json" href="#">JSON</a>, <a id="protocol-yaml" href="#">YAML</a>)</span></h2>
    <div class="scroll"><table><thead><tr><th>Type</th><th>Direction</th><th>Description</th><th>Schema</th><th>Example</th></tr></thead><tbody id="protocol-body"></tbody></table></div>
    <p id="protocol-empty" class="muted" hidden>The protocol document could not be loaded.</p>
  </section>
</main>
<div id="notice" hidden></div>
${script === null ? SCRIPT_MISSING : `<script>${script}</script>`}
</body>
</html>
`;
}
