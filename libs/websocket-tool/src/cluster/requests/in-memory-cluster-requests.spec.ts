import { describe, expect, it } from 'vitest';
import { InMemoryClusterRequests } from './in-memory-cluster-requests.js';

describe('InMemoryClusterRequests', () => {
  it('answers for the single node, and lists any other node as missing', async () => {
    const requests = new InMemoryClusterRequests();
    requests.handle('double', (n) => (n as number) * 2);
    requests.handle('fails', () => Promise.reject(new Error('boom')));
    expect(await requests.request('double', 21)).toEqual({ replies: [{ node: 'local', ok: true, value: 42 }], missing: [] });
    expect(await requests.request('double', 1, 'local')).toEqual({ replies: [{ node: 'local', ok: true, value: 2 }], missing: [] });
    expect(await requests.request('double', 1, 'web-2')).toEqual({ replies: [], missing: ['web-2'] });
    expect(await requests.request('fails', null)).toEqual({ replies: [{ node: 'local', ok: false, error: 'boom' }], missing: [] });
    expect(await requests.request('nope', null)).toEqual({
      replies: [{ node: 'local', ok: false, error: 'unknown request "nope"' }],
      missing: [],
    });
  });
});
