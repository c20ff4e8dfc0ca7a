import { NO_SUBSCRIPTION, type Unsubscribe } from '../cluster-listener.js';
import { ClusterPresence } from './cluster-presence.js';

/** A single node: every client is here, so none is elsewhere and none is taken over. @internal */
export class InMemoryClusterPresence extends ClusterPresence {
  clientAdded(): void {}

  clientRemoved(): void {}

  locate(): string | undefined {
    return undefined;
  }

  get remoteClients(): number {
    return 0;
  }

  subscribe(): Unsubscribe {
    return NO_SUBSCRIPTION;
  }
}
