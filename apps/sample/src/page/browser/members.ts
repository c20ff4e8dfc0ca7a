import type { WebSocketToolClient, WsMessage } from '@websocket-tool/client';
import { byId } from './dom.js';

/** The members of each room the page is in, by client id, kept from the first list and the join and leave events. */
const rooms = new Map<string, Set<string>>();

/** A join or leave as the server sends it (`system.presence.join` / `system.presence.leave`). */
interface PresenceEvent {
  topic: string;
  member: { clientId: string };
}

/** One line per room: who is in it, this page marked "(you)"; all as text. */
function render(self: string | null): void {
  const box = byId('members');
  box.replaceChildren();
  for (const [topic, members] of [...rooms].toSorted(([a], [b]) => (a < b ? -1 : 1))) {
    const div = document.createElement('div');
    const names = [...members].map((id) => (id === self ? id + ' (you)' : id));
    div.textContent = '#' + topic.replace(/^room:/, '') + ' · ' + members.size + ' here: ' + names.join(', ');
    box.append(div);
  }
}

/** Follows who is in the rooms the page's client is in. */
export function followMembers(
  client: WebSocketToolClient,
  self: () => string | null,
): { joined(topic: string): void; left(topic: string): void } {
  const change = (m: WsMessage, add: boolean) => {
    const event = m.content as PresenceEvent;
    const members = rooms.get(event.topic);
    if (!members) return;
    if (add) members.add(event.member.clientId);
    else members.delete(event.member.clientId);
    render(self());
  };
  client.on('system.presence.join', (m) => change(m, true));
  client.on('system.presence.leave', (m) => change(m, false));
  rooms.clear();
  render(self());
  return {
    joined(topic) {
      client.request<{ clients: string[] }>('room.members', { topic }).then(
        (reply) => {
          rooms.set(topic, new Set(reply.content.clients));
          render(self());
        },
        () => undefined,
      );
    },
    left(topic) {
      rooms.delete(topic);
      render(self());
    },
  };
}
