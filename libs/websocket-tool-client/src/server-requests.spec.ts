import { describe, expect, it } from 'vitest';
import type { WsOutgoingMessage } from './message.interface.js';
import { ServerRequests } from './server-requests.js';

const setUp = () => {
  const written: WsOutgoingMessage[] = [];
  const requests = new ServerRequests((m) => {
    written.push(m);
    return true;
  });
  return { written, requests };
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ServerRequests', () => {
  it('acknowledges a message with meta.ack_id, and nothing else', () => {
    const { written, requests } = setUp();
    requests.answer({ type: 'x', content: 1, meta: { ack_id: 'a1' } });
    requests.answer({ type: 'x', content: 1, meta: {} });
    expect(written).toEqual([{ type: 'system.ack', meta: { ack_id: 'a1' } }]);
  });

  it('replies with the handler result, or its error, or no_handler', async () => {
    const { written, requests } = setUp();
    requests.handle('sum', (m) => (m.content as number[]).reduce((s, n) => s + n, 0));
    const stop = requests.handle('boom', () => Promise.reject(new Error('bad')));
    requests.answer({ type: 'sum', content: [1, 2], meta: { request_id: 'r1' } });
    requests.answer({ type: 'boom', content: null, meta: { request_id: 'r2' } });
    await settle();
    stop();
    requests.answer({ type: 'boom', content: null, meta: { request_id: 'r3' } });
    await settle();
    expect(written).toEqual([
      { type: 'system.reply', content: 3, meta: { request_id: 'r1' } },
      { type: 'system.reply', content: null, meta: { request_id: 'r2', error: { code: 'handler_error', message: 'bad' } } },
      {
        type: 'system.reply',
        content: null,
        meta: { request_id: 'r3', error: { code: 'no_handler', message: 'No request handler for "boom".' } },
      },
    ]);
  });
});
