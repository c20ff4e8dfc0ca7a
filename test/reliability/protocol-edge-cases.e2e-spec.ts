import { describe, expect, it, onTestFinished } from 'vitest';
import { expectProbeServed, useAbuseTarget, type AbuseTarget } from './support/abuse-server.js';
import { forwardedFor } from './support/forwarded-for.js';
import { Opcode, RawWebSocket, closePayload, type FrameSpec } from './support/raw-websocket.js';
import { waitFor } from './support/wait-for.js';

/** Frames that break RFC 6455, and the close code `ws` answers each with. */
const VIOLATIONS: Array<{ name: string; frames: FrameSpec[]; code: number }> = [
  { name: 'an unmasked client frame', frames: [{ opcode: Opcode.Text, payload: '{"type":"echo"}', mask: false }], code: 1002 },
  { name: 'RSV1 set without an extension', frames: [{ opcode: Opcode.Text, payload: '{}', rsv: 4 }], code: 1002 },
  { name: 'RSV2 and RSV3 set', frames: [{ opcode: Opcode.Text, payload: '{}', rsv: 3 }], code: 1002 },
  { name: 'a reserved data opcode (0x3)', frames: [{ opcode: 0x3, payload: 'x' }], code: 1002 },
  { name: 'a reserved control opcode (0xB)', frames: [{ opcode: 0xb }], code: 1002 },
  { name: 'a continuation frame with nothing to continue', frames: [{ opcode: Opcode.Continuation, payload: 'x' }], code: 1002 },
  {
    name: 'a new text frame in the middle of a fragmented message',
    frames: [
      { opcode: Opcode.Text, fin: false, payload: '{"type":' },
      { opcode: Opcode.Text, payload: '"echo"}' },
    ],
    code: 1002,
  },
  { name: 'a fragmented ping', frames: [{ opcode: Opcode.Ping, fin: false, payload: 'x' }], code: 1002 },
  { name: 'a ping with 126 bytes of payload', frames: [{ opcode: Opcode.Ping, payload: Buffer.alloc(126) }], code: 1002 },
  { name: 'a close frame with a 1-byte payload', frames: [{ opcode: Opcode.Close, payload: Buffer.from([0x03]) }], code: 1002 },
  ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535].map((bad) => ({
    name: `a close frame with the invalid code ${bad}`,
    frames: [{ opcode: Opcode.Close, payload: closePayload(bad) }],
    code: 1002,
  })),
  {
    name: 'a close frame whose reason is not UTF-8',
    frames: [{ opcode: Opcode.Close, payload: closePayload(1000, Buffer.from([0xc3, 0x28])) }],
    code: 1007,
  },
  { name: 'a text frame that is not UTF-8', frames: [{ opcode: Opcode.Text, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }], code: 1007 },
  {
    name: 'a text message whose UTF-8 is cut short at its last fragment',
    frames: [
      { opcode: Opcode.Text, fin: false, payload: Buffer.from('{"type":"echo","content":"') },
      { opcode: Opcode.Continuation, payload: Buffer.from([0xe2, 0x82]) },
    ],
    code: 1007,
  },
];

describe('protocol edge cases over raw TCP (the server in its own process)', { retry: 2 }, () => {
  let target: AbuseTarget;
  const open = async (path = '/ws') => {
    const c = await RawWebSocket.open(target.server.port, { path, headers: forwardedFor() });
    onTestFinished(() => c.destroy());
    return c;
  };
  const activeConnections = async () => (await target.server.stats()).total_active_connections;

  useAbuseTarget((started) => (target = started));

  it('assembles a fragmented message with a ping and a pong between its fragments, and answers the ping first', async () => {
    const c = await open();
    await c.send({ opcode: Opcode.Text, fin: false, payload: '{"type":"echo","con' });
    await c.send({ opcode: Opcode.Ping, payload: 'between' });
    await c.send({ opcode: Opcode.Continuation, fin: false, payload: 'tent":"fr€g","meta":' });
    await c.send({ opcode: Opcode.Pong, payload: 'unsolicited' });
    await c.send({ opcode: Opcode.Continuation, payload: '{"id":"f1"}}' });
    const reply = await c.reply('f1');
    const pong = await c.next((f) => f.opcode === Opcode.Pong);
    expect(pong.payload.toString()).toBe('between');
    expect(c.frames.indexOf(pong)).toBeLessThan(c.frames.indexOf(reply));
    expect(JSON.parse(reply.payload.toString())).toMatchObject({ type: 'echo', content: 'fr€g', meta: { id: 'f1' } });

    // A multi-byte character split across fragments is still valid UTF-8.
    const euro = Buffer.from('€');
    await c.send({
      opcode: Opcode.Text,
      fin: false,
      payload: Buffer.concat([Buffer.from('{"type":"echo","content":"'), euro.subarray(0, 1)]),
    });
    await c.send({ opcode: Opcode.Continuation, payload: Buffer.concat([euro.subarray(1), Buffer.from('","meta":{"id":"f2"}}')]) });
    expect(JSON.parse((await c.reply('f2')).payload.toString()).content).toBe('€');
  });

  it('answers binary frames with unsupported_binary and keeps the connection', async () => {
    const c = await open();
    await c.send({ opcode: Opcode.Binary, payload: Buffer.from([1, 2, 3]) });
    const error = await c.next((f) => f.opcode === Opcode.Text && f.payload.includes('unsupported_binary'));
    expect(JSON.parse(error.payload.toString())).toMatchObject({ type: 'system.error', meta: { code: 'unsupported_binary' } });
    await c.sendText('{"type":"echo","content":1,"meta":{"id":"after"}}');
    await c.reply('after');
  });

  it.each(VIOLATIONS)('closes $name with $code within 1 s, and forgets the connection', async ({ frames, code }) => {
    const before = await activeConnections();
    const c = await open();
    const sentAt = Date.now();
    for (const frame of frames) await c.send(frame);
    const close = await c.closedWithin(2000);
    expect(close.code).toBe(code);
    expect(close.at - sentAt).toBeLessThan(1000);
    c.destroy();
    await waitFor(async () => (await activeConnections()) === before, 'the registry is back to its size before', 2000, 20);
  });

  it('echoes a valid close code (1000, 3000, 4999) and forgets the connection', async () => {
    for (const code of [1000, 3000, 4999]) {
      const before = await activeConnections();
      const c = await open();
      await c.send({ opcode: Opcode.Close, payload: closePayload(code, 'bye') });
      expect((await c.closedWithin(2000)).code).toBe(code);
      await waitFor(async () => (await activeConnections()) === before, 'the registry is back to its size before', 2000, 20);
    }
  });

  it('a client that half-closes TCP (FIN, still reading) is closed by the server and forgotten within 1 s', async () => {
    const before = await activeConnections();
    const c = await open('/ws/half-closed');
    await c.send({ opcode: Opcode.Text, fin: false, payload: '{"type":"echo",' });
    const sentAt = Date.now();
    c.socket.end();
    const endedAt = await c.socketClosed;
    expect(endedAt - sentAt).toBeLessThan(1000);
    await waitFor(async () => (await target.server.client('half-closed')) === null, 'the half-closed client is gone', 1000, 20);
    expect(await activeConnections()).toBe(before);
  });

  it('a peer that vanishes mid-message (reset) costs nothing: the server forgets it at once', async () => {
    const before = await activeConnections();
    const c = await open('/ws/vanished');
    await c.send({ opcode: Opcode.Text, fin: false, payload: Buffer.alloc(30_000, 0x20) });
    c.socket.resetAndDestroy();
    await waitFor(async () => (await target.server.client('vanished')) === null, 'the reset client is gone', 1000, 20);
    expect(await activeConnections()).toBe(before);
  });

  it('while every violation above is replayed for 2 s, a well-behaved client keeps its echo p99 under 50 ms', async () => {
    const mark = target.probe.mark();
    const until = Date.now() + 2000;
    let rounds = 0;
    while (Date.now() < until) {
      await Promise.all(
        VIOLATIONS.map(async ({ frames, code }) => {
          const c = await open();
          for (const frame of frames) await c.send(frame);
          expect((await c.closedWithin(2000)).code).toBe(code);
          c.destroy();
        }),
      );
      rounds++;
    }
    expect(rounds).toBeGreaterThan(1);
    await expectProbeServed(target.probe, mark);
  });
});
