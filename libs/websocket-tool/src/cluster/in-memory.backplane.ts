import { Backplane, type BackplaneState, type BackplaneStatus } from './backplane.interface.js';

/** The id a single node goes by. @internal */
export const SINGLE_NODE_ID = 'local';

/**
 * The default backplane: one node, nothing to share. It is always
 * `connected`, its state is `off`, and no client is elsewhere.
 *
 * @publicApi
 */
export class InMemoryBackplane extends Backplane {
  readonly nodeId = SINGLE_NODE_ID;
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

  locate(): string | undefined {
    return undefined;
  }
}
