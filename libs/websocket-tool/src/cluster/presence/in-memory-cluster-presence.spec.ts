import { describe, expect, it } from 'vitest';
import type { ClusterPresence } from './cluster-presence.js';
import { InMemoryClusterPresence } from './in-memory-cluster-presence.js';

describe('InMemoryClusterPresence', () => {
  it('knows no client elsewhere and never takes one over', () => {
    const presence: ClusterPresence = new InMemoryClusterPresence();
    const taken: string[] = [];
    const unsubscribe = presence.subscribe({ takeOver: (id) => taken.push(id) });
    presence.clientAdded('gus', true, 1);
    presence.clientAdded('gus', true, 2);
    presence.clientRemoved('gus');
    expect(presence.locate('gus')).toBeUndefined();
    expect(presence.remoteClients).toBe(0);
    expect(taken).toEqual([]);
    expect(unsubscribe).not.toThrow();
  });
});
