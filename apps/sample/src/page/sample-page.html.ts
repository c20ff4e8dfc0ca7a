/** The demo page: connect, chat in rooms, see system messages. Everything from the network is rendered as text. */
export const SAMPLE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WebSocketTool sample</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 12px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  #status { padding: 2px 8px; border-radius: 10px; background: #888; }
  #status.open { background: #1f9d55; } #status.closed { background: #cc1f1a; }
  main { display: grid; grid-template-columns: 1fr 320px; gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 6px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  #log, #system { height: 380px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
  .row { padding: 2px 0; border-bottom: 1px solid #eee; white-space: pre-wrap; word-break: break-word; }
  .sys { color: #6b7280; } .err { color: #cc1f1a; }
  form { display: flex; gap: 6px; margin-top: 8px; } input { flex: 1; padding: 6px; } button { padding: 6px 10px; }
</style>
</head>
<body>
<header><h1>WebSocketTool sample</h1><span>client id</span><input id="clientId" placeholder="anonymous" size="14"><button id="connect">Connect</button><span id="status">offline</span></header>
<main>
  <section><h2>Chat</h2>
    <div id="log"></div>
    <form id="chat"><input id="room" placeholder="room (empty = everyone)" size="10"><input id="text" placeholder="message" autocomplete="off"><button>Send</button></form>
    <form id="join"><input id="joinRoom" placeholder="room to join"><button>Join</button><button type="button" id="leave">Leave</button></form>
  </section>
  <section><h2>System messages</h2><div id="system"></div></section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let ws = null;
  function line(target, text, cls) {
    const div = document.createElement('div');
    div.className = 'row ' + (cls || '');
    div.textContent = text;
    target.appendChild(div);
    target.scrollTop = target.scrollHeight;
  }
  function setStatus(text, cls) { const s = $('status'); s.textContent = text; s.className = cls; }
  function send(type, content, meta) { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type, content, meta: meta || {} })); }
  function connect() {
    if (ws) ws.close();
    const id = $('clientId').value.trim();
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (id ? '/' + encodeURIComponent(id) : '');
    ws = new WebSocket(url);
    setStatus('connecting', '');
    ws.onopen = () => setStatus('online', 'open');
    ws.onclose = (e) => { setStatus('closed ' + e.code + (e.reason ? ' ' + e.reason : ''), 'closed'); };
    ws.onmessage = (event) => {
      let m; try { m = JSON.parse(event.data); } catch { return; }
      if (m.type === 'system.ping') { send('system.pong', 'pong', { ping_id: m.meta && m.meta.ping_id }); return; }
      if (m.type === 'chat.message') {
        const who = m.content && m.content.name ? m.content.name : (m.meta && m.meta.from);
        line($('log'), (m.meta && m.meta.topic ? '[' + m.meta.topic + '] ' : '') + who + ': ' + (m.content && m.content.text));
      } else {
        line($('system'), m.type + ' ' + JSON.stringify(m.content) + ' ' + JSON.stringify(m.meta), m.type === 'system.error' ? 'err' : 'sys');
      }
    };
  }
  $('connect').onclick = connect;
  $('chat').onsubmit = (e) => { e.preventDefault(); const room = $('room').value.trim(); send('chat.message', { text: $('text').value }, room ? { topic: room } : {}); $('text').value = ''; };
  $('join').onsubmit = (e) => { e.preventDefault(); send('system.subscribe', { topic: $('joinRoom').value.trim() }); };
  $('leave').onclick = () => send('system.unsubscribe', { topic: $('joinRoom').value.trim() });
  connect();
})();
</script>
</body>
</html>
`;
