/**
 * The demo page's script (served as `/sample-page.js`). It uses the global
 * `WebSocketToolClient` of the client bundle: the client reconnects by
 * itself, re-joins the rooms and sends what was typed while offline.
 */
export const SAMPLE_PAGE_SCRIPT = `(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let client = null;
  let countdown = null;

  function line(target, text, cls) {
    const div = document.createElement('div');
    div.className = 'row ' + (cls || '');
    div.textContent = text;
    target.appendChild(div);
    while (target.childElementCount > 500) target.removeChild(target.firstChild);
    target.scrollTop = target.scrollHeight;
  }

  function setStatus(state, text) {
    const status = $('status');
    status.dataset.state = state;
    status.className = state;
    status.textContent = text;
  }

  function stopCountdown() {
    if (countdown !== null) clearInterval(countdown);
    countdown = null;
  }

  function startCountdown(retryAt) {
    stopCountdown();
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      setStatus('reconnecting', 'reconnecting in ' + seconds + ' s');
    };
    tick();
    countdown = setInterval(tick, 250);
  }

  function renderRooms(pending) {
    const rooms = client ? client.topics.filter((t) => t.startsWith('room:')).map((t) => t.slice(5)) : [];
    const list = $('rooms');
    list.replaceChildren();
    for (const room of rooms) {
      const chip = document.createElement('span');
      chip.className = 'chip' + (pending && pending.has(room) ? ' pending' : '');
      chip.dataset.room = room;
      chip.append(document.createTextNode('#' + room));
      const leave = document.createElement('button');
      leave.type = 'button';
      leave.title = 'leave ' + room;
      leave.textContent = '×';
      leave.onclick = () => leaveRoom(room);
      chip.append(leave);
      list.append(chip);
    }
    const select = $('room');
    const chosen = select.value;
    select.replaceChildren(new Option('everyone', ''), ...rooms.map((room) => new Option('#' + room, room)));
    select.value = rooms.includes(chosen) ? chosen : '';
  }

  const pendingRooms = new Set();

  function joinRoom(room) {
    if (!client || !room) return;
    pendingRooms.add(room);
    const joined = client.subscribe('room:' + room);
    renderRooms(pendingRooms);
    joined.then(
      () => { pendingRooms.delete(room); renderRooms(pendingRooms); line($('system'), 'joined #' + room, 'sys'); },
      (err) => { pendingRooms.delete(room); renderRooms(pendingRooms); line($('system'), 'cannot join #' + room + ': ' + err.message, 'err'); },
    );
  }

  function leaveRoom(room) {
    if (!client) return;
    pendingRooms.delete(room);
    client.unsubscribe('room:' + room).then(() => line($('system'), 'left #' + room, 'sys'), () => undefined);
    renderRooms(pendingRooms);
  }

  function start() {
    const previousRooms = client ? client.topics.filter((t) => t.startsWith('room:')) : [];
    if (client) client.close();
    const id = $('clientId').value.trim();
    try {
      client = new WebSocketToolClient('/ws', id ? { clientId: id } : {});
    } catch (err) {
      setStatus('closed', 'invalid client id');
      line($('system'), err.message, 'err');
      client = null;
      return;
    }
    window.sampleClient = client;
    client.onState((event) => {
      if (event.state !== 'reconnecting') stopCountdown();
      if (event.state === 'connecting') setStatus('connecting', event.attempt ? 'connecting (attempt ' + (event.attempt + 1) + ')' : 'connecting');
      else if (event.state === 'open') setStatus('open', 'online');
      else if (event.state === 'reconnecting') startCountdown(event.retryAt);
      else if (event.state === 'closed') {
        if (!event.willReconnect) setStatus('closed', 'closed ' + event.code + (event.reason ? ' ' + event.reason : ''));
        line($('system'), 'connection closed: ' + event.code + (event.reason ? ' ' + event.reason : ''), 'sys');
      }
    });
    client.on('chat.message', (m) => {
      const content = m.content || {};
      const room = typeof m.meta.topic === 'string' ? '[#' + m.meta.topic.replace(/^room:/, '') + '] ' : '';
      line($('log'), room + (content.name || m.meta.from || '?') + ': ' + content.text, room ? 'room' : '');
    });
    client.on('*', (m) => {
      if (m.type === 'chat.message' || m.type === 'chat.sent' || m.type === 'system.ping' || m.type === 'system.pong') return;
      if (m.type === 'system.subscribed' || m.type === 'system.unsubscribed') return;
      line($('system'), m.type + ' ' + JSON.stringify(m.content) + ' ' + JSON.stringify(m.meta), m.type === 'system.error' ? 'err' : 'sys');
    });
    for (const topic of previousRooms) joinRoom(topic.slice(5));
    renderRooms(pendingRooms);
    document.dispatchEvent(new CustomEvent('sample:client', { detail: client }));
  }

  $('connect').onclick = start;
  $('join').onsubmit = (e) => {
    e.preventDefault();
    joinRoom($('joinRoom').value.trim());
    $('joinRoom').value = '';
  };
  $('chat').onsubmit = (e) => {
    e.preventDefault();
    const text = $('text').value;
    if (!client || !text) return;
    const room = $('room').value;
    $('text').value = '';
    client
      .request('chat.message', { text }, room ? { meta: { topic: 'room:' + room } } : {})
      .then(
        (reply) => line($('system'), 'delivered to ' + reply.content.delivered_to + ' client(s)', 'sys'),
        (err) => line($('system'), 'not sent: ' + err.message, 'err'),
      );
  };
  setInterval(() => {
    if (!client) return;
    const stats = client.stats();
    $('rtt').textContent = (stats.rttMs === null ? '' : 'rtt ' + stats.rttMs + ' ms') + (stats.queued ? ' · ' + stats.queued + ' queued' : '');
  }, 1000);
  start();
})();
`;
