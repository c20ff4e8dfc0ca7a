import { describe, expect, it } from 'vitest';
import type { ClusterBroker } from './cluster-broker.js';
import { InMemoryClusterBroker } from './in-memory-cluster-broker.js';

describe('InMemoryClusterBroker', () => {
  it('has no other node: publishing does nothing, a remote send is refused, nothing is ever delivered', () => {
    const broker: ClusterBroker = new InMemoryClusterBroker();
    const got: string[] = [];
    const unsubscribe = broker.subscribe({
      deliverBroadcast: (json) => got.push(json),
      deliverTopic: (_topic, json) => got.push(json),
      deliverToClient: (_clientId, json) => got.push(json),
      deliverToUser: (_userId, json) => got.push(json),
    });
    broker.publishBroadcast('{}', new Set(['a']));
    broker.publishTopic('room', '{}');
    broker.publishUser('alice', '{}');
    expect(broker.sendToClient('alice', '{}')).toBe(false);
    expect(got).toEqual([]);
    expect(unsubscribe).not.toThrow();
  });
});
