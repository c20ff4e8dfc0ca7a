import { TASK_PANEL_HTML } from './task-panel.html.js';

/**
 * The demo page: chat in rooms over the served client bundle, with the
 * connection status (and reconnect countdown) in the header. Everything from
 * the network is rendered as text. The page's own code is `/sample-page.js`,
 * so the Content-Security-Policy needs no inline scripts.
 *
 * @param bundlePath - where the app serves the client bundle (`clientBundlePath`)
 */
export const samplePageHtml = (bundlePath: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WebSocketTool sample</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  #status { padding: 2px 10px; border-radius: 10px; background: #888; min-width: 90px; text-align: center; }
  #status.open { background: #1f9d55; } #status.reconnecting, #status.connecting { background: #b7791f; } #status.closed { background: #cc1f1a; }
  #rtt { color: #cbd5e0; font-size: 12px; }
  main { display: grid; grid-template-columns: 1fr 340px; gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 6px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  h2 { font-size: 15px; margin: 0 0 8px; }
  #log, #system { height: 360px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
  .row { padding: 2px 0; border-bottom: 1px solid #eee; white-space: pre-wrap; word-break: break-word; }
  .sys { color: #6b7280; } .err { color: #cc1f1a; } .room { color: #2b6cb0; }
  form { display: flex; gap: 6px; margin-top: 8px; } input, select { padding: 6px; } #text { flex: 1; } button { padding: 6px 10px; }
  #rooms { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 8px; min-height: 24px; }
  .chip { background: #ebf4ff; border-radius: 12px; padding: 2px 4px 2px 10px; display: inline-flex; gap: 4px; align-items: center; }
  .chip button { border: 0; background: transparent; cursor: pointer; padding: 0 4px; }
  .chip.pending { opacity: .6; }
  .slot { grid-column: 1 / -1; }
  .slot:empty { display: none; }
  .bar { background: #edf2f7; border-radius: 4px; height: 12px; margin: 8px 0; overflow: hidden; }
  #task-bar { background: #3182ce; height: 100%; width: 0; transition: width .2s; }
  #task-log { height: 160px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
  .badge { padding: 1px 8px; border-radius: 8px; background: #e2e8f0; } .badge.running { background: #bee3f8; }
  .badge.ok { background: #c6f6d5; } .badge.failed { background: #fed7d7; }
</style>
</head>
<body>
<header>
  <h1>WebSocketTool sample</h1>
  <label>client id <input id="clientId" placeholder="anonymous" size="14"></label>
  <button id="connect">Connect</button>
  <span id="status" data-state="idle">offline</span>
  <span id="rtt"></span>
</header>
<main>
  <section id="chat-panel">
    <h2>Chat</h2>
    <div id="log"></div>
    <form id="chat">
      <select id="room" title="send to"><option value="">everyone</option></select>
      <input id="text" placeholder="message" autocomplete="off" maxlength="2000">
      <button>Send</button>
    </form>
    <form id="join">
      <input id="joinRoom" placeholder="room to join, e.g. lobby" maxlength="200">
      <button>Join</button>
    </form>
    <div id="rooms"></div>
    <div id="members" class="muted" title="who is in each room you joined"></div>
  </section>
  <section id="system-panel"><h2>System messages</h2><div id="system"></div></section>

  <!-- ===== Task progress panel (reserved) =====
       The task monitor demo adds its panel inside #tasks-panel (hidden while empty). It gets the
       page's client from window.sampleClient, or from the "sample:client" event that the page
       dispatches on document each time it (re)creates its client. -->
  <section id="tasks-panel" class="slot">${TASK_PANEL_HTML}</section>
  <!-- ===== end of the task progress panel ===== -->
</main>
<script src="${bundlePath}"></script>
<script src="/sample-page.js"></script>
<script src="/sample-tasks.js"></script>
</body>
</html>
`;

/** Shown when the app does not serve the client bundle. */
export const BUNDLE_DISABLED_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WebSocketTool sample</title></head>
<body><p>The client bundle is not served (clientBundlePath is off), so this page cannot connect.</p></body></html>
`;
