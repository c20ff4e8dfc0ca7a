import type { WebSocketToolClient } from '@websocket-tool/client';
import { byId, line } from './dom.js';

/** Chat rooms are the topics `room:<name>`. */
export const ROOM_PREFIX = 'room:';

const systemLine = (text: string, cls: string): void => line(byId('system'), text, cls, 500);

/** The room chips, the "send to" choices, and joining and leaving, for whatever client the page has now. */
export interface RoomsPanel {
  render(): void;
  join(room: string): void;
  leave(room: string): void;
}

/** Told when the page is in a room and when it left one (who is in it follows). */
export interface RoomMembership {
  joined(topic: string): void;
  left(topic: string): void;
}

/**
 * @param current - the page's client at the time of the call (it changes on Connect)
 * @param membership - the follower of the members of the current client's rooms
 */
export function roomsPanel(current: () => WebSocketToolClient | null, membership: () => RoomMembership | null): RoomsPanel {
  /** Rooms asked for whose subscription is not confirmed yet (shown dimmed). */
  const pending = new Set<string>();

  const rooms = (): string[] => {
    const client = current();
    return client ? client.topics.filter((t) => t.startsWith(ROOM_PREFIX)).map((t) => t.slice(ROOM_PREFIX.length)) : [];
  };

  function render(): void {
    const names = rooms();
    const list = byId('rooms');
    list.replaceChildren();
    for (const room of names) {
      const chip = document.createElement('span');
      chip.className = 'chip' + (pending.has(room) ? ' pending' : '');
      chip.dataset.room = room;
      chip.append(document.createTextNode('#' + room));
      const button = document.createElement('button');
      button.type = 'button';
      button.title = 'leave ' + room;
      button.textContent = '×';
      button.addEventListener('click', () => leave(room));
      chip.append(button);
      list.append(chip);
    }
    const select = byId<HTMLSelectElement>('room');
    const chosen = select.value;
    select.replaceChildren(new Option('everyone', ''), ...names.map((room) => new Option('#' + room, room)));
    select.value = names.includes(chosen) ? chosen : '';
  }

  function join(room: string): void {
    const client = current();
    if (!client || !room) return;
    pending.add(room);
    const joined = client.subscribe(ROOM_PREFIX + room, { joinLeave: true });
    render();
    joined.then(
      () => {
        pending.delete(room);
        render();
        membership()?.joined(ROOM_PREFIX + room);
        systemLine('joined #' + room, 'sys');
      },
      (err: Error) => {
        pending.delete(room);
        render();
        systemLine('cannot join #' + room + ': ' + err.message, 'err');
      },
    );
  }

  function leave(room: string): void {
    const client = current();
    if (!client) return;
    pending.delete(room);
    membership()?.left(ROOM_PREFIX + room);
    client.unsubscribe(ROOM_PREFIX + room).then(
      () => systemLine('left #' + room, 'sys'),
      () => undefined,
    );
    render();
  }

  return { render, join, leave };
}
