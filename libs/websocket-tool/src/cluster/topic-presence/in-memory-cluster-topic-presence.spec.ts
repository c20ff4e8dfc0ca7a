import { describe, expect, it } from 'vitest';
import { InMemoryClusterTopicPresence } from './in-memory-cluster-topic-presence.js';
import type { PresenceMember } from './presence-member.js';

const member = (clientId: string, userId: string | null): PresenceMember => ({ clientId, userId, info: {}, node: 'local', joinedAt: 1 });

describe('InMemoryClusterTopicPresence', () => {
  it('lists and counts members and users, and tells each join and leave once, as made here', async () => {
    const presence = new InMemoryClusterTopicPresence();
    const heard: string[] = [];
    presence.subscribe({
      joined: (topic, m, here) => heard.push(`+${topic} ${m.clientId} ${here}`),
      left: (topic, m, here) => heard.push(`-${topic} ${m.clientId} ${here}`),
    });
    presence.join('room', member('a1', 'alice'));
    presence.join('room', member('a2', 'alice'));
    presence.join('room', member('b1', 'bob'));
    presence.join('room', member('anon', null));
    presence.join('room', member('b1', 'bob'));
    expect(await presence.stats('room')).toEqual({ clients: 4, users: 2 });
    expect((await presence.members('room')).map((m) => m.clientId)).toEqual(['a1', 'a2', 'b1', 'anon']);
    presence.leave('room', 'a1');
    presence.leave('room', 'a1');
    presence.leave('room', 'b1');
    expect(await presence.stats('room')).toEqual({ clients: 2, users: 1 });
    expect(await presence.stats('elsewhere')).toEqual({ clients: 0, users: 0 });
    expect(heard).toEqual(['+room a1 true', '+room a2 true', '+room b1 true', '+room anon true', '-room a1 true', '-room b1 true']);
  });
});
