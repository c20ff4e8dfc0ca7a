/**
 * The demo page's script (served as `/sample-page.js`). It uses the global
 * `WebSocketToolClient` of the client bundle: the client reconnects by
 * itself, re-joins the rooms and sends what was typed while offline.
 */
import type { WebSocketToolClient as Client } from '@websocket-tool/client';
import { setStatus, showState } from './connection-status.js';
import { byId, line } from './dom.js';
import { followMembers } from './members.js';
import { ROOM_PREFIX, roomsPanel, type RoomMembership } from './rooms.js';
import { CLIENT_EVENT } from './sample-globals.js';
import { createWsApi, type ServerMessage, type WsApi } from './ws-api.js';

/** Lines kept in each log box. */
const KEEP_LINES = 500;
/** Types the chat log or nobody shows (the rest go to the system log). */
const QUIET_TYPES = new Set([
  'chat.message',
  'chat.sent',
  'system.ping',
  'system.pong',
  'system.subscribed',
  'system.unsubscribed',
  'topic.recovered',
  'topic.gap',
  'room.members',
  'system.presence.join',
  'system.presence.leave',
]);

let client: Client | null = null;
/** The typed facade over `client`, generated from the server's AsyncAPI document (ws-api.ts). */
let api: WsApi | null = null;
let members: RoomMembership | null = null;
const rooms = roomsPanel(
  () => client,
  () => members,
);
const input = (id: string): HTMLInputElement => byId<HTMLInputElement>(id);
const systemLine = (text: string, cls: string): void => line(byId('system'), text, cls, KEEP_LINES);

function showChat(m: ServerMessage<'chat.message'>): void {
  const topic = m.meta.topic;
  const room = typeof topic === 'string' ? '[#' + topic.replace(/^room:/, '') + '] ' : '';
  line(byId('log'), room + (m.content.name || m.meta.from || '?') + ': ' + m.content.text, room ? 'room' : '', KEEP_LINES);
}

/** (Re)creates the client with the id typed in the header, keeping the rooms of the previous one. */
function start(): void {
  const previousRooms = client ? client.topics.filter((t) => t.startsWith(ROOM_PREFIX)) : [];
  if (client) void client.close();
  const id = input('clientId').value.trim();
  try {
    client = new WebSocketToolClient('/ws', id ? { clientId: id } : {});
  } catch (err) {
    setStatus('closed', 'invalid client id');
    systemLine((err as Error).message, 'err');
    client = null;
    return;
  }
  window.sampleClient = client;
  api = createWsApi(client);
  client.onState((event) => {
    showState(event);
    if (event.state === 'closed') systemLine('connection closed: ' + event.code + (event.reason ? ' ' + event.reason : ''), 'sys');
  });
  api.on.chatMessage(showChat);
  const mine = client;
  members = followMembers(client, () => mine.clientId);
  // After a reconnect the client resubscribes each room from its last position and says how that went.
  client.on('topic.recovered', (m) => {
    const room = '#' + m.content.topic.replace(/^room:/, '');
    systemLine(`reconnected to ${room}, nothing missed (${m.content.replayed} replayed)`, 'sys');
    // Joins and leaves while away were not heard: ask again who is there.
    members?.joined(m.content.topic);
  });
  client.on('topic.gap', (m) => {
    const room = '#' + m.content.topic.replace(/^room:/, '');
    const missed = m.content.missed === null ? 'some messages' : `${m.content.missed} message(s)`;
    systemLine(`reconnected to ${room}, ${missed} may be missing`, 'err');
    members?.joined(m.content.topic);
  });
  client.on('*', (m) => {
    if (QUIET_TYPES.has(m.type)) return;
    systemLine(m.type + ' ' + JSON.stringify(m.content) + ' ' + JSON.stringify(m.meta), m.type === 'system.error' ? 'err' : 'sys');
  });
  for (const topic of previousRooms) rooms.join(topic.slice(ROOM_PREFIX.length));
  rooms.render();
  document.dispatchEvent(new CustomEvent(CLIENT_EVENT, { detail: client }));
}

function sendChat(e: Event): void {
  e.preventDefault();
  const text = input('text').value;
  if (!api || !text) return;
  const room = byId<HTMLSelectElement>('room').value;
  input('text').value = '';
  api.request.chatMessage({ text }, room ? { meta: { topic: ROOM_PREFIX + room } } : {}).then(
    (reply) => systemLine('delivered to ' + reply.content.delivered_to + ' client(s)', 'sys'),
    (err: Error) => systemLine('not sent: ' + err.message, 'err'),
  );
}

function showStats(): void {
  if (!client) return;
  const stats = client.stats();
  byId('rtt').textContent =
    (stats.rttMs === null ? '' : 'rtt ' + stats.rttMs + ' ms') + (stats.queued ? ' · ' + stats.queued + ' queued' : '');
}

byId('connect').addEventListener('click', start);
byId('join').addEventListener('submit', (e) => {
  e.preventDefault();
  rooms.join(input('joinRoom').value.trim());
  input('joinRoom').value = '';
});
byId('chat').addEventListener('submit', sendChat);
setInterval(showStats, 1000);
start();
