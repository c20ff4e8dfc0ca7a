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

/** The notice of the server unsubscribing `topic` on its own (no `meta.id`): it missed messages of it. */
export const isResubscribeNotice =
  (topic: string) =>
  (m: Envelope): boolean =>
    m.type === 'system.unsubscribed' && (m.content as { topic?: string }).topic === topic && m.meta?.id === undefined;

/**
 * What the client SDK does, for a raw client: every time the server unsubscribes `topic` on its own, subscribe
 * again with the position of the last message received. Resolves with the answers once `run.on` is false.
 */
export async function resubscribeOnNotice(client: WsTestClient, topic: string, run: { on: boolean }): Promise<Envelope[]> {
  const answers: Envelope[] = [];
  while (run.on) {
    const notice = await client.next(isResubscribeNotice(topic), 200).catch(() => null);
    if (notice === null) continue;
    const last = feed(client, topic).at(-1);
    answers.push(await subscribeTo(client, topic, last ? positionOf(last) : undefined));
  }
  return answers;
}
