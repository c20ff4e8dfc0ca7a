import type { ClientConnection } from '../../connection/client-connection.js';
import { LEGACY_PONG_TYPE, SystemMessageType } from '../../protocol/message-types.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/** `system.pong`, the legacy `pong` and `system.heartbeat` are recorded as signs of life (for the heartbeat), unanswered. */
export class SignOfLifeHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.Pong, LEGACY_PONG_TYPE, SystemMessageType.Heartbeat];
  readonly keepAlive = true;

  handle(connection: ClientConnection, _envelope: unknown, _id: unknown, now: number): void {
    connection.lastPong = now;
  }
}
