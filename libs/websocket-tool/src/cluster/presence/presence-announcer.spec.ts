import { describe, expect, it } from 'vitest';
import type { ClientConnection } from '../../connection/client-connection.js';
import type { ConnectionListener } from '../../connection/connection-listener.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import { CloseCode } from '../../protocol/close-codes.js';
import type { Unsubscribe } from '../cluster-listener.js';
import { ClusterPresence, type ClusterTakeoverListener } from './cluster-presence.js';
import { PresenceAnnouncer } from './presence-announcer.js';

/** A presence that records what it was told and lets the test fire a takeover. */
class RecordingPresence extends ClusterPresence {
  readonly calls: string[] = [];
  listener: ClusterTakeoverListener | null = null;
  clientAdded(clientId: string, named: boolean, connectedAt: number): void {
    this.calls.push(`added ${clientId} ${named} ${connectedAt}`);
  }
  clientRemoved(clientId: string): void {
    this.calls.push(`removed ${clientId}`);
  }
  locate(): string | undefined {
    return undefined;
  }
  get remoteClients(): number {
    return 0;
  }
  subscribe(listener: ClusterTakeoverListener): Unsubscribe {
    this.listener = listener;
    return () => (this.listener = null);
  }
}

describe('PresenceAnnouncer', () => {
  it('announces the ids the registry holds and closes a named id taken over elsewhere', () => {
    let membership: ConnectionListener | null = null;
    const gus = { clientId: 'gus', named: true, connectedAt: 5 } as ClientConnection;
    const closed: string[] = [];
    const registry = {
      listen: (listener: ConnectionListener) => ((membership = listener), () => (membership = null)),
      get: (id: string) => (id === 'gus' ? gus : undefined),
      close: (connection: ClientConnection, close: { code: number }, reason: string) =>
        closed.push(`${connection.clientId} ${close.code} ${reason}`),
    } as unknown as ConnectionRegistry;
    const presence = new RecordingPresence();
    const announcer = new PresenceAnnouncer(registry, presence);
    announcer.onModuleInit();
    membership!.added!(gus);
    membership!.removed!(gus);
    expect(presence.calls).toEqual(['added gus true 5', 'removed gus']);
    presence.listener!.takeOver('gus');
    presence.listener!.takeOver('not-here');
    expect(closed).toEqual([`gus ${CloseCode.DuplicateClient.code} duplicate_client`]);
    announcer.onModuleDestroy();
    expect(membership).toBeNull();
    expect(presence.listener).toBeNull();
  });
});
