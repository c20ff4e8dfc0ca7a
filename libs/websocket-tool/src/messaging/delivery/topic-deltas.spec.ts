import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../config/resolve-settings.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { OutboundFrame } from '../../outbound/outbound-frame.js';
import type { OutboundSender } from '../../outbound/outbound-sender.js';
import { TopicDeltas } from './topic-deltas.js';

const doc = (n: number) => JSON.stringify({ type: 'doc', content: { n, text: 'x'.repeat(400) }, meta: { topic: 'doc' } });

/** A sender that records the type of each frame it is given. */
function setUp() {
  const got: string[] = [];
  const sender = {
    frame: (json: string) => new OutboundFrame(json, 0),
    deliverTo: (_connection: ClientConnection, frame: OutboundFrame) => {
      got.push((JSON.parse(frame.payload.toString()) as { type: string }).type);
      return 'queued';
    },
  } as unknown as OutboundSender;
  const deltas = new TopicDeltas(resolveSettings({ topics: [{ pattern: 'doc', delta: true }] }, {}), sender);
  const connection = { clientId: 'a' } as ClientConnection;
  deltas.subscribed(connection, 'doc', true);
  const count = { queued: 0, dropped: 0 };
  const send = (n: number, at: { offset: number; epoch: string } | null) => deltas.deliver('doc', doc(n), [connection], null, count, at);
  return { got, deltas, send };
}

describe('TopicDeltas', () => {
  it('with history offsets: a delta only against the message of the offset just before, in the same epoch', () => {
    const { got, send } = setUp();
    send(1, { offset: 1, epoch: 'e' });
    send(2, { offset: 2, epoch: 'e' });
    // A gap (offset 3 never came here), then a new epoch: in full both times, deltas again after.
    send(4, { offset: 4, epoch: 'e' });
    send(5, { offset: 5, epoch: 'e' });
    send(6, { offset: 6, epoch: 'f' });
    send(7, { offset: 7, epoch: 'f' });
    expect(got).toEqual(['doc', 'system.delta', 'doc', 'system.delta', 'doc', 'system.delta']);
  });

  it('after forget, the next message goes in full', () => {
    const { got, deltas, send } = setUp();
    send(1, null);
    send(2, null);
    deltas.forget('doc');
    send(3, null);
    send(4, null);
    expect(got).toEqual(['doc', 'system.delta', 'doc', 'system.delta']);
  });
});
