import { NO_SUBSCRIPTION, type Unsubscribe } from '../cluster-listener.js';
import { ClusterBroker } from './cluster-broker.js';

/** A single node: no other node to send to, nothing ever arrives. @internal */
export class InMemoryClusterBroker extends ClusterBroker {
  publishBroadcast(): void {}

  publishTopic(): void {}

  publishUser(): void {}

  sendToClient(): boolean {
    return false;
  }

  subscribe(): Unsubscribe {
    return NO_SUBSCRIPTION;
  }
}
