import type { BroadcastService } from '@websocket-tool/nestjs';
import type { Envelope, WsTestClient } from './ws-test-client.js';
import { sleep } from './ws-test-client.js';

/** A position on a topic with history, as `system.subscribe`'s `since`. */
export interface Position {
  offset: number;
  epoch: string;
}

/**
 * Publishes `content` from..to (inclusive) on `topic` at about `perSecond`,
 * round-robin over `publishers` (message n from publisher n % count), in
 * ticks of 10 ms. Every publish must be accepted.
 */
export async function pump(
  publishers: readonly BroadcastService[],
  topic: string,
  from: number,
  to: number,
  perSecond = 1000,
): Promise<void> {
  const perTick = Math.max(1, Math.round(perSecond / 100));
  const started = Date.now();
  let next = from;
  while (next <= to) {
    for (let i = 0; i < perTick && next <= to; i++, next++) {
      const result = publishers[next % publishers.length].publish(topic, { type: 'feed', content: next });
      if (!result.ok) throw new Error(`publish ${next} refused: ${JSON.stringify(result)}`);
    }
    // Keeps the average rate whatever the timer drift.
    const due = started + ((next - from) / perSecond) * 1000;
    await sleep(Math.max(0, due - Date.now()));
  }
}

/** The `feed` messages a client got on `topic`, in arrival order. */
export const feed = (client: WsTestClient, topic: string): Envelope[] =>
  client.messages.filter((m) => m.type === 'feed' && m.meta?.topic === topic);

/** The position of a topic message. */
export const positionOf = (m: Envelope): Position => ({ offset: m.meta.offset as number, epoch: m.meta.epoch as string });

/** Subscribes (with `since` when given) and returns the `system.subscribed` answer. */
export async function subscribeTo(client: WsTestClient, topic: string, since?: Position): Promise<Envelope> {
  const answer = await client.request({ type: 'system.subscribe', content: since ? { topic, since } : { topic } }, undefined);
  if (answer.type !== 'system.subscribed') throw new Error(`subscribe refused: ${JSON.stringify(answer)}`);
  return answer;
}
