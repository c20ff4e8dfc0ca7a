import { describe, expect, it } from 'vitest';
import { eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';

describe('RedisClusterRequests (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('requests');

  const start = async (nodeId: string): Promise<SeamNode> => {
    const node = await seams.start(nodeId, { requestTimeoutMs: 300, presenceTtlMs: 5000 });
    node.requests.handle('whoami', () => ({ node: nodeId }));
    node.requests.handle('fails', () => {
      throw new Error(`no luck on ${nodeId}`);
    });
    return node;
  };

  it('gathers the answers of every live node, this one first, and of one node when targeted', async () => {
    const a = await start('a');
    await start('b');
    await eventually(async () => (await a.nodes.refresh()).length === 2, 'both nodes to be live');
    const all = await a.requests.request('whoami', null);
    expect(all.missing).toEqual([]);
    expect(all.replies).toEqual([
      { node: 'a', ok: true, value: { node: 'a' } },
      { node: 'b', ok: true, value: { node: 'b' }, error: undefined },
    ]);
    const one = await a.requests.request('whoami', null, 'b');
    expect(one).toEqual({ replies: [{ node: 'b', ok: true, value: { node: 'b' }, error: undefined }], missing: [] });
    const failed = await a.requests.request('fails', null, 'b');
    expect(failed.replies).toEqual([{ node: 'b', ok: false, value: null, error: 'no luck on b' }]);
    const unknown = await a.requests.request('nope', null, 'a');
    expect(unknown.replies).toEqual([{ node: 'a', ok: false, error: 'unknown request "nope"' }]);
  });

  it('lists a node that does not answer in time as missing', async () => {
    const a = await start('a');
    const dead = await start('dead');
    await eventually(async () => (await a.nodes.refresh()).length === 2, 'both nodes to be live');
    // It dies without leaving: it stays in the node set until its presence expires.
    seams.forget(dead);
    await dead.crash();
    const began = Date.now();
    const all = await a.requests.request('whoami', null);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(all).toEqual({ replies: [{ node: 'a', ok: true, value: { node: 'a' } }], missing: ['dead'] });
    const targeted = await a.requests.request('whoami', null, 'never-was');
    expect(targeted).toEqual({ replies: [], missing: ['never-was'] });
  });
});
