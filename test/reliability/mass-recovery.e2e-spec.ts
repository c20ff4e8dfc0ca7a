import { describe, expect, it } from 'vitest';
import { WsTestClient, type Envelope } from '../utils/ws-test-client.js';
import { expectProbeServed, useAbuseTarget, type AbuseTarget } from './support/abuse-server.js';
import { forwardedFor } from './support/forwarded-for.js';
import { waitFor } from './support/wait-for.js';

const CLIENTS = 1000;
/** The clients are spread over this many rooms (the sample's; their presence events go only to subscribers that ask, and these do not). */
const ROOMS = 10;
const BEFORE = 10;
const MISSED = 20;

/** Calls of the application's message handlers so far, by type, from the server's /metrics. */
async function handlerCalls(http: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const calls: Record<string, number> = {};
  for (const match of text.matchAll(/^fp_websocket_tool_handler_duration_seconds_count\{type="([^"]+)"\} (\d+)/gm)) {
    calls[match[1]] = Number(match[2]);
  }
  return calls;
}

async function recoveries(http: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const match of text.matchAll(/^fp_websocket_tool_recoveries_total\{outcome="([^"]+)"\} (\d+)/gm)) out[match[1]] = Number(match[2]);
  return out;
}

/** The room's chat messages a client got, as the numbers they carry. */
const roomNumbers = (client: WsTestClient, room: string): number[] =>
  client.messages
    .filter((m: Envelope) => m.type === 'chat.message' && m.meta.topic === room)
    .map((m) => Number((m.content as { text: string }).text));

/** Handler calls other than the probe's own `echo` requests, which go on throughout. */
const withoutProbe = ({ echo: _echo, ...calls }: Record<string, number>): Record<string, number> => calls;

// Timing on a shared machine: a test may run twice if another process got in the way (every attempt uses fresh clients).
describe('1,000 clients recovering at once (the sample app in its own process)', { retry: 2 }, () => {
  let target: AbuseTarget;
  useAbuseTarget((started) => (target = started));

  it("every client gets every missed message once, in order, no application handler runs for it, and another client's echo p99 stays under 50 ms", async () => {
    const { server } = target;
    const url = `${server.ws}/ws`;
    // The sample app keeps history on its chat rooms (`room:*`, 200 messages, 5 minutes); fresh rooms per attempt.
    const attempt = Date.now();
    const roomOf = (i: number) => `room:mass-recovery-${attempt}-${i % ROOMS}`;
    const rooms = Array.from({ length: ROOMS }, (_, i) => roomOf(i));
    const room = new Map<WsTestClient, string>();
    const numbers = (client: WsTestClient) => roomNumbers(client, room.get(client)!);
    const publisher = await WsTestClient.connect(`${url}/mass-publisher`, { headers: forwardedFor() });
    let sent = 0;
    /** Publishes `count` numbered messages to every room (the same numbers in each). */
    const publish = async (count: number) => {
      for (let i = 0; i < count; i++) {
        sent++;
        const replies = await Promise.all(
          rooms.map((topic) => publisher.request({ type: 'chat.message', content: { text: String(sent) }, meta: { topic } })),
        );
        for (const reply of replies) expect(reply.type).toBe('chat.sent');
      }
    };

    const clients: WsTestClient[] = [];
    const positions = new Map<WsTestClient, { offset: number; epoch: string }>();
    try {
      for (let i = 0; i < CLIENTS; i += 100) {
        clients.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(100, CLIENTS - i) }, (_, j) =>
              WsTestClient.connect(`${url}/mass-${i + j}`, { headers: forwardedFor() }),
            ),
          )),
        );
      }
      clients.forEach((c, i) => room.set(c, roomOf(i)));
      await Promise.all(clients.map((c) => c.request({ type: 'system.subscribe', content: { topic: room.get(c) } })));
      await publish(BEFORE);
      await waitFor(() => clients.every((c) => numbers(c).length === BEFORE), 'every client got the first messages', 10_000);
      for (const c of clients) {
        const last = c.messages.findLast((m) => m.type === 'chat.message' && m.meta.topic === room.get(c))!;
        positions.set(c, { offset: last.meta.offset as number, epoch: last.meta.epoch as string });
      }

      // Everyone drops; messages go on meanwhile.
      clients.forEach((c) => c.close());
      await Promise.all(clients.map((c) => c.closed));
      await publish(MISSED);
      const callsBefore = withoutProbe(await handlerCalls(server.http));
      const recoveredBefore = (await recoveries(server.http)).recovered ?? 0;

      // Everyone comes back at once and resubscribes from its position; the probe (another client) is timed meanwhile.
      const mark = target.probe.mark();
      const back = await Promise.all(
        clients.map(async (old, i) => {
          const client = await WsTestClient.connect(`${url}/mass-${i}`, { headers: forwardedFor() });
          room.set(client, roomOf(i));
          const answer = await client.request({ type: 'system.subscribe', content: { topic: roomOf(i), since: positions.get(old) } });
          return { client, answer };
        }),
      );
      await waitFor(() => back.every(({ client }) => numbers(client).length === MISSED), 'every client got the missed messages', 20_000);
      await expectProbeServed(target.probe, mark);

      for (const { client, answer } of back) {
        expect(answer.content).toMatchObject({ topic: room.get(client), recovered: true, replayed: MISSED, offset: BEFORE + MISSED });
        expect(numbers(client)).toEqual(Array.from({ length: MISSED }, (_, k) => BEFORE + k + 1));
      }
      // The recovery is the library's: no application handler ran (the call counts of every type but the probe's are unchanged).
      expect(withoutProbe(await handlerCalls(server.http))).toEqual(callsBefore);
      expect(((await recoveries(server.http)).recovered ?? 0) - recoveredBefore).toBe(CLIENTS);
      back.forEach(({ client }) => client.close());
    } finally {
      clients.forEach((c) => c.close());
      publisher.close();
    }
  }, 90_000);
});
