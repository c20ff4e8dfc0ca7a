import { afterEach, describe, expect, it } from 'vitest';
import { fakeConnection } from '../../../../../test/utils/dispatch-fakes.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { BYTES_AFTER_CLOSE, BYTES_PER_TURN, FRAMES_PER_TURN, FrameFairness, NEWCOMER_MS, TURN_BUDGET_MS } from './frame-fairness.js';
import type { InboundData } from './inbound-data.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

class Recorder {
  readonly frames: Array<{ clientId: string; text: string }> = [];
  process(connection: ClientConnection, data: InboundData): void {
    this.frames.push({ clientId: connection.clientId, text: (data as Buffer).toString() });
  }
  of(clientId: string): string[] {
    return this.frames.filter((f) => f.clientId === clientId).map((f) => f.text);
  }
}

describe('FrameFairness', () => {
  let recorder: Recorder;
  let fairness: FrameFairness;
  afterEach(async () => {
    await nextTurn();
    await nextTurn();
  });

  /** A clock that moves only when a test says so. */
  const clock = { at: 0, now: () => clock.at };
  const setUp = () => {
    recorder = new Recorder();
    clock.at = 0;
    fairness = new FrameFairness(recorder, clock);
  };
  /** From now on, handling a frame moves the clock past a whole turn budget. */
  const everyFrameTakesABudget = () => {
    const record = recorder.process.bind(recorder);
    recorder.process = (connection, data) => {
      record(connection, data);
      clock.at += TURN_BUDGET_MS + 1;
    };
  };

  it(`handles ${FRAMES_PER_TURN} frames of a connection in a row, then pauses it and drains the rest in order on later turns`, async () => {
    setUp();
    const a = fakeConnection('a');
    for (let i = 0; i < FRAMES_PER_TURN * 2 + 10; i++) fairness.handle(a, Buffer.from(String(i)), false);
    expect(recorder.of('a')).toHaveLength(FRAMES_PER_TURN);
    expect(a.socket.paused).toBe(true);
    await nextTurn();
    expect(recorder.of('a')).toHaveLength(FRAMES_PER_TURN * 2);
    expect(a.socket.paused).toBe(true);
    await nextTurn();
    expect(recorder.of('a')).toEqual(Array.from({ length: FRAMES_PER_TURN * 2 + 10 }, (_, i) => String(i)));
    expect(a.socket.paused).toBe(false);
  });

  it('lets another connection in while one waits for its next turn', async () => {
    setUp();
    const a = fakeConnection('a');
    const b = fakeConnection('b');
    for (let i = 0; i < FRAMES_PER_TURN + 5; i++) fairness.handle(a, Buffer.from(`a${i}`), false);
    fairness.handle(b, Buffer.from('b0'), false);
    // b was served at once; a's five extra frames wait.
    expect(recorder.frames.at(-1)).toEqual({ clientId: 'b', text: 'b0' });
    expect(recorder.of('a')).toHaveLength(FRAMES_PER_TURN);
    // A frame of a's that arrives meanwhile goes behind its backlog.
    fairness.handle(a, Buffer.from('late'), false);
    await nextTurn();
    expect(recorder.of('a').slice(-6)).toEqual(['a64', 'a65', 'a66', 'a67', 'a68', 'late']);
    expect(b.socket.pauses).toBe(0);
  });

  it(`counts bytes as well: frames past ${BYTES_PER_TURN} bytes in a row wait for the next turn`, async () => {
    setUp();
    const a = fakeConnection('a');
    const big = Buffer.alloc(40 * 1024, 'x');
    for (let i = 0; i < 5; i++) fairness.handle(a, big, false);
    // 3 × 40 KiB fit in 128 KiB; the fourth goes over.
    expect(recorder.of('a')).toHaveLength(3);
    expect(a.socket.paused).toBe(true);
    await nextTurn();
    expect(recorder.of('a')).toHaveLength(5);
    expect(a.socket.paused).toBe(false);
  });

  it('starts a fresh turn on the next event-loop turn', async () => {
    setUp();
    const a = fakeConnection('a');
    for (let i = 0; i < FRAMES_PER_TURN; i++) fairness.handle(a, Buffer.from('x'), false);
    await nextTurn();
    for (let i = 0; i < FRAMES_PER_TURN; i++) fairness.handle(a, Buffer.from('y'), false);
    expect(recorder.of('a')).toHaveLength(FRAMES_PER_TURN * 2);
    expect(a.socket.pauses).toBe(0);
  });

  it(`past ${TURN_BUDGET_MS} ms of frames in a turn, the next connection's frame waits for the next turn, in order`, async () => {
    setUp();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => fakeConnection(id));
    fairness.handle(a, Buffer.from('a0'), false);
    clock.at += TURN_BUDGET_MS + 1;
    fairness.handle(b, Buffer.from('b0'), false);
    fairness.handle(b, Buffer.from('b1'), false);
    fairness.handle(c, Buffer.from('c0'), false);
    expect(recorder.frames.map((f) => f.text)).toEqual(['a0']);
    expect([b.socket.paused, c.socket.paused]).toEqual([true, true]);
    await nextTurn();
    expect(recorder.frames.map((f) => f.text)).toEqual(['a0', 'b0', 'b1', 'c0']);
    expect([b.socket.paused, c.socket.paused]).toEqual([false, false]);
  });

  it('drains backlogs within a budget of their own, so a frame arriving meanwhile is handled at once', async () => {
    setUp();
    const waiting = ['w1', 'w2', 'w3'].map((id) => fakeConnection(id));
    const probe = fakeConnection('probe');
    fairness.handle(fakeConnection('first'), Buffer.from('first'), false);
    clock.at += TURN_BUDGET_MS + 1;
    for (const w of waiting) fairness.handle(w, Buffer.from(w.clientId), false);
    // Each drained frame costs a whole budget: one backlog per turn.
    everyFrameTakesABudget();
    await nextTurn();
    expect(recorder.frames.map((f) => f.text)).toEqual(['first', 'w1']);
    // The probe's frame arrives while w2 and w3 still wait: it does not queue behind them.
    fairness.handle(probe, Buffer.from('probe'), false);
    expect(recorder.frames.at(-1)?.text).toBe('probe');
    await nextTurn();
    await nextTurn();
    expect(recorder.frames.map((f) => f.text)).toEqual(['first', 'w1', 'probe', 'w2', 'w3']);
  });

  it(`when frames wait, those of connections older than ${NEWCOMER_MS} ms come first, newcomers after them in order`, async () => {
    setUp();
    const old = Date.now() - NEWCOMER_MS - 1;
    const newcomers = ['n1', 'n2', 'n3'].map((id) => fakeConnection(id));
    const settled = fakeConnection('settled', undefined, old);
    fairness.handle(fakeConnection('first'), Buffer.from('first'), false);
    clock.at += TURN_BUDGET_MS + 1;
    // A reconnect storm: the newcomers' frames arrive first, the settled client's last.
    for (const n of newcomers) fairness.handle(n, Buffer.from(n.clientId), false);
    fairness.handle(settled, Buffer.from('settled'), false);
    expect(recorder.frames.map((f) => f.text)).toEqual(['first']);
    // Each drained frame costs a whole budget: one backlog per turn.
    everyFrameTakesABudget();
    await nextTurn();
    expect(recorder.frames.map((f) => f.text)).toEqual(['first', 'settled']);
    for (let i = 0; i < 3; i++) await nextTurn();
    expect(recorder.frames.map((f) => f.text)).toEqual(['first', 'settled', 'n1', 'n2', 'n3']);
    expect([...newcomers, settled].map((c) => c.socket.paused)).toEqual([false, false, false, false]);
  });

  it(`stops reading a closed peer once ${BYTES_AFTER_CLOSE} bytes arrived after the close`, () => {
    setUp();
    const a = fakeConnection('a');
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < 3; i++) fairness.afterClose(a, chunk);
    expect(a.socket.paused).toBe(false);
    fairness.afterClose(a, chunk);
    expect(a.socket.pauses).toBe(1);
    fairness.afterClose(a, chunk);
    expect(a.socket.pauses).toBe(1);
    expect(a.bytesAfterClose).toBe(5 * 256 * 1024);
  });
});
