import { Backplane, type BackplaneState, type BackplaneStatus, type ClusterReplies } from './backplane.interface.js';

/**
 * The default backplane: one node, nothing to share. Every call is a no-op,
 * and the services that use it check `clustered` once at start, so a single
 * node pays nothing per message.
 *
 * @publicApi
 */
export class InMemoryBackplane extends Backplane {
  readonly nodeId = 'local';
  readonly clustered = false;

  get connected(): boolean {
    return true;
  }

  get state(): BackplaneState {
    return 'off';
  }

  status(): BackplaneStatus {
    return {
      node_id: this.nodeId,
      state: 'off',
      redis: null,
      outbox_size: 0,
      outbox_capacity: 0,
      outbox_dropped: 0,
      published: 0,
      received: 0,
      disconnects: 0,
      remote_clients: 0,
    };
  }

  publishBroadcast(): void {}
  publishTopic(): void {}
  sendToClient(): boolean {
    return false;
  }
  onDelivery(): void {}
  clientAdded(): void {}
  clientRemoved(): void {}
  onTakeover(): void {}
  locate(): string | undefined {
    return undefined;
  }
  admitConnection(): Promise<null> {
    return Promise.resolve(null);
  }
  handle(): void {}
  request(): Promise<ClusterReplies> {
    return Promise.resolve({ replies: [], missing: [] });
  }
}
