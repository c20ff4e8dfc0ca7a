import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ClusterTopicOccupancy } from '../cluster/topic-presence/cluster-topic-occupancy.js';
import { ClusterTopicPresence } from '../cluster/topic-presence/cluster-topic-presence.js';
import { APP_EVENT_EMITTER, type AppEventEmitter } from '../config/nest-event-emitter.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { WsLifecycleEvent } from './ws-lifecycle-events.js';

const who = (c: ClientConnection) => ({ clientId: c.clientId, userId: c.userId });

/**
 * Emits the `WsLifecycleEvent`s through the app's `EventEmitter2` when it has
 * `@nestjs/event-emitter`; without it nothing is followed and nothing costs.
 * Topic occupancy (first subscriber in, last one out, cluster-wide) is
 * tracked only then: in cluster mode it costs one Redis script when a topic
 * gets its first or loses its last subscriber on a node.
 *
 * @internal
 */
@Injectable()
export class LifecycleEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WebSocketTool');
  private readonly stops: Unsubscribe[] = [];

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly presence: ClusterTopicPresence,
    private readonly occupancy: ClusterTopicOccupancy,
    @Optional() @Inject(APP_EVENT_EMITTER) private readonly emitter: AppEventEmitter | null,
  ) {}

  onModuleInit(): void {
    if (!this.emitter) return;
    const node = this.presence.node;
    this.stops.push(
      this.registry.listen({
        added: (c) => this.emit(WsLifecycleEvent.Connected, { ...who(c), node }),
        disconnected: (c, reason) => this.emit(WsLifecycleEvent.Disconnected, { ...who(c), node, reason }),
        subscribed: (c, topic) => {
          this.emit(WsLifecycleEvent.Subscribed, { ...who(c), topic });
          if (this.registry.subscribers(topic)?.size === 1) this.occupancy.nodeOccupied(topic);
        },
        unsubscribed: (c, topic) => {
          this.emit(WsLifecycleEvent.Unsubscribed, { ...who(c), topic });
          if (this.registry.subscribers(topic) === undefined) this.occupancy.nodeVacated(topic);
        },
      }),
      this.presence.subscribe({
        joined: (topic, member, here) => {
          if (here) this.emit(WsLifecycleEvent.PresenceJoin, { topic, member });
        },
        left: (topic, member, here) => {
          if (here) this.emit(WsLifecycleEvent.PresenceLeave, { topic, member });
        },
      }),
      this.occupancy.subscribe({
        occupied: (topic) => this.emit(WsLifecycleEvent.TopicOccupied, { topic }),
        vacated: (topic) => this.emit(WsLifecycleEvent.TopicVacated, { topic }),
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** The app's listeners run synchronously inside `emit`: one that throws must not break the registry. */
  private emit(event: WsLifecycleEvent, payload: object): void {
    try {
      this.emitter?.emit(event, payload);
    } catch (err) {
      this.logger.error(`A listener of ${event} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
