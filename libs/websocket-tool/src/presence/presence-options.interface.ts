import type { WsClient } from '../connection/ws-client.interface.js';

/**
 * The part of the module's options that presence reads (declared with the
 * module, like `canSubscribe`: it takes a connection's handle).
 *
 * @publicApi
 */
export interface PresenceOptions {
  /**
   * What a member of a topic with presence shows the others (`member.info`): called when a connection joins such a
   * topic. Everything returned is visible to every subscriber of the topic when presence events are on, and to the
   * app's `presence(topic)`: return only what they may see (a display name, not an email). @default none (`info: {}`)
   */
  presenceInfo?: (client: WsClient, topic: string) => Record<string, unknown> | undefined;
}
