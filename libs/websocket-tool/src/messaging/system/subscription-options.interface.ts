import type { WsClient } from '../../connection/ws-client.interface.js';

/** The part of the module's options that subscriptions read. */
export interface SubscriptionOptions {
  /**
   * Decides whether a client may subscribe to a topic (`system.subscribe`);
   * refusal is a `system.error` with code `forbidden`. Use it to keep task logs
   * (`task:<id>`) or private rooms to the people allowed to see them.
   */
  canSubscribe?: (client: WsClient, topic: string) => boolean | Promise<boolean>;
}
