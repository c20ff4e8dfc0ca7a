import { describe, expect, it } from 'vitest';
import type { Backplane } from './backplane.interface.js';
import { InMemoryBackplane } from './in-memory.backplane.js';

describe('InMemoryBackplane', () => {
  it('is a single node: always connected, state off, no client elsewhere', () => {
    const backplane: Backplane = new InMemoryBackplane();
    expect(backplane).toMatchObject({ nodeId: 'local', clustered: false, connected: true, state: 'off' });
    expect(backplane.locate('alice')).toBeUndefined();
    expect(backplane.status()).toMatchObject({ node_id: 'local', state: 'off', redis: null, remote_clients: 0 });
  });
});
