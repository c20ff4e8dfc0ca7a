import { Inject, Injectable } from '@nestjs/common';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { isOthersPersonalTopic } from '../connection/topic-name.js';

/** Most topics read from one identity field, whatever `maxTopicsPerClient` allows. */
const MAX_IDENTITY_TOPICS = 1000;

/**
 * The topics a connection is subscribed to from its identity, before it gets
 * any message: those listed in the identity field `identityTopicsClaim` (the
 * JWT claim, or what `authenticate` returned; an array of names, or one string
 * of names separated by spaces or commas) and, with `personalTopicPrefix`, its
 * user's personal topic. Invalid names are skipped.
 *
 * @internal
 */
@Injectable()
export class IdentityTopics {
  private readonly claim: string;
  private readonly personalPrefix: string;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
  ) {
    this.claim = settings.identityTopicsClaim;
    this.personalPrefix = settings.personalTopicPrefix;
  }

  /** Subscribes a connection just added to the registry; returns the topics it is now in. */
  subscribe(connection: ClientConnection): string[] {
    const wanted = this.topicsOf(connection);
    if (wanted.length === 0) return wanted;
    const subscribed: string[] = [];
    for (const topic of wanted) {
      const outcome = this.registry.subscribeConnection(connection, topic);
      if (outcome === 'subscribed') subscribed.push(topic);
      else if (outcome === 'too_many_topics') break;
    }
    return subscribed;
  }

  private topicsOf(connection: ClientConnection): string[] {
    const topics: string[] = [];
    if (connection.userId !== null && this.personalPrefix) topics.push(this.personalPrefix + connection.userId);
    if (!this.claim || connection.identity === null || typeof connection.identity !== 'object') return topics;
    const listed = (connection.identity as Record<string, unknown>)[this.claim];
    const names = typeof listed === 'string' ? listed.split(/[\s,]+/) : Array.isArray(listed) ? listed : [];
    for (const name of names.slice(0, MAX_IDENTITY_TOPICS)) {
      if (
        typeof name === 'string' &&
        name.length > 0 &&
        !topics.includes(name) &&
        !isOthersPersonalTopic(this.personalPrefix, connection.userId, name)
      ) {
        topics.push(name);
      }
    }
    return topics;
  }
}
