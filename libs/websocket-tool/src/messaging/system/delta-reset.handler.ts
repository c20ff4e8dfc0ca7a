import type { ClientConnection } from '../../connection/client-connection.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import type { TopicDeltas } from '../delivery/topic-deltas.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/** `system.delta_reset` `{topic}`: the client could not rebuild a delta; it gets the topic's last message in full. */
export class DeltaResetHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.DeltaReset];
  readonly keepAlive = false;

  constructor(private readonly deltas: TopicDeltas) {}

  handle(connection: ClientConnection, envelope: ParsedEnvelope): void {
    const content = envelope.content;
    if (isPlainObject(content) && typeof content.topic === 'string' && connection.topics.has(content.topic)) {
      this.deltas.reset(connection, content.topic);
    }
  }
}
