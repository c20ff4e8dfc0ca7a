import type { Unsubscribe } from '../cluster-listener.js';

/** Told when a named client id connected again on another node: its connection here is the older one. @internal */
export interface ClusterTakeoverListener {
  /** Close this node's connection of `clientId` (duplicate client). */
  takeOver(clientId: string): void;
}

/**
 * Where each client is connected. This node announces its own clients; the
 * implementation learns those of the others, forgets the clients of a node
 * that stopped refreshing its presence, and tells the listener when a named
 * id connected again elsewhere (the newer connection wins).
 *
 * @internal
 */
export abstract class ClusterPresence {
  /** A client connected to this node. */
  abstract clientAdded(clientId: string, named: boolean, connectedAt: number): void;
  /** A client left this node. */
  abstract clientRemoved(clientId: string): void;
  /** The node holding a client connected elsewhere, or undefined (unknown, or connected here). */
  abstract locate(clientId: string): string | undefined;
  /** Clients of the other nodes this node knows of. */
  abstract get remoteClients(): number;
  /** Registers the receiver of takeovers. */
  abstract subscribe(listener: ClusterTakeoverListener): Unsubscribe;
}
