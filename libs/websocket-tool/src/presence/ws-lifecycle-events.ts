/**
 * The names of the events the module emits through `@nestjs/event-emitter`
 * when the app has it (`EventEmitterModule.forRoot()`), for
 * `@OnEvent(WsLifecycleEvent.TopicVacated)` in any provider. Each fires
 * exactly once per cluster: on the node that holds the connection, or for
 * the cluster-wide changes on the one node that made them.
 *
 * @publicApi
 */
export const WsLifecycleEvent = {
  /** A connection was accepted: `{ clientId, userId, node }`. */
  Connected: 'websocket-tool.connected',
  /** A connection left: `{ clientId, userId, node, reason }`. */
  Disconnected: 'websocket-tool.disconnected',
  /** A connection subscribed to a topic: `{ clientId, userId, topic }`. */
  Subscribed: 'websocket-tool.subscribed',
  /** A connection left a topic (unsubscribed or disconnected): `{ clientId, userId, topic }`. */
  Unsubscribed: 'websocket-tool.unsubscribed',
  /** A member joined a topic with presence: `{ topic, member }`. */
  PresenceJoin: 'websocket-tool.presence.join',
  /** A member left a topic with presence (also when its node died): `{ topic, member }`. */
  PresenceLeave: 'websocket-tool.presence.leave',
  /** A topic got its first subscriber in the cluster: `{ topic }`. */
  TopicOccupied: 'websocket-tool.topic.occupied',
  /** A topic lost its last subscriber in the cluster (also when the node holding them died): `{ topic }`. */
  TopicVacated: 'websocket-tool.topic.vacated',
} as const;

/** @publicApi */
export type WsLifecycleEvent = (typeof WsLifecycleEvent)[keyof typeof WsLifecycleEvent];
