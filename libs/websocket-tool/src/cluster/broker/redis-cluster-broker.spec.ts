import { describe, expect, it } from 'vitest';
import { eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { ClusterDeliveryListener } from './cluster-broker.js';

/** Every delivery a node's listener got, as one line each. */
function recorder(): ClusterDeliveryListener & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    deliverBroadcast: (json, except) => got.push(`b ${json}${except ? ` except ${except.join(',')}` : ''}`),
    deliverTopic: (topic, json) => got.push(`t ${topic} ${json}`),
    deliverToClient: (clientId, json) => got.push(`c ${clientId} ${json}`),
    deliverToUser: (userId, json) => got.push(`u ${userId} ${json}`),
  };
}

describe('RedisClusterBroker (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('broker');
  let a: SeamNode;
  let b: SeamNode;

  const startTwo = async (): Promise<void> => {
    a = await seams.start('a');
    b = await seams.start('b');
  };

  it('fans out to the other node in the order sent, and never back to the sender', async () => {
    await startTwo();
    const onA = recorder();
    const onB = recorder();
    a.broker.subscribe(onA);
    b.broker.subscribe(onB);
    const expected: string[] = [];
    for (let i = 0; i < 50; i++) {
      a.broker.publishTopic('room', `{"n":${i}}`);
      expected.push(`t room {"n":${i}}`);
    }
    a.broker.publishBroadcast('{"all":1}', null);
    a.broker.publishBroadcast('{"all":2}', new Set(['x', 'y']));
    expected.push('b {"all":1}', 'b {"all":2} except x,y');
    await eventually(() => onB.got.length === expected.length, 'node b to get every message');
    expect(onB.got).toEqual(expected);
    // Give an echo the time to come back, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onA.got).toEqual([]);
    expect(a.backplane.status()).toMatchObject({ published: 52, received: 0 });
    expect(b.backplane.status()).toMatchObject({ published: 0, received: 52 });
  });

  it('sends to one client on the node that holds it, and refuses a client no node holds', async () => {
    await startTwo();
    const onA = recorder();
    const onB = recorder();
    a.broker.subscribe(onA);
    b.broker.subscribe(onB);
    b.presence.clientAdded('alice', true, Date.now());
    await eventually(() => a.presence.locate('alice') === 'b', 'node a to see alice on b');
    expect(a.broker.sendToClient('alice', '{"hi":1}')).toBe(true);
    expect(a.broker.sendToClient('nobody', '{"hi":2}')).toBe(false);
    await eventually(() => onB.got.length === 1, 'node b to get the message for alice');
    expect(onB.got).toEqual(['c alice {"hi":1}']);
    expect(onA.got).toEqual([]);
  });

  it('sends a message for one user to every other node, never back to the sender', async () => {
    await startTwo();
    const onA = recorder();
    const onB = recorder();
    a.broker.subscribe(onA);
    b.broker.subscribe(onB);
    a.broker.publishUser('alice', '{"hi":1}');
    await eventually(() => onB.got.length === 1, 'node b to get the message for alice');
    expect(onB.got).toEqual(['u alice {"hi":1}']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onA.got).toEqual([]);
  });

  it('stops calling a listener once it unsubscribed', async () => {
    await startTwo();
    const kept = recorder();
    const dropped = recorder();
    b.broker.subscribe(kept);
    const unsubscribe = b.broker.subscribe(dropped);
    unsubscribe();
    a.broker.publishTopic('room', '{}');
    await eventually(() => kept.got.length === 1, 'the kept listener to get the message');
    expect(dropped.got).toEqual([]);
  });
});
