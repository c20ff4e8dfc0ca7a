import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { ConnectionLifecycle } from '../connection/connection-lifecycle.service.js';
import { adapterMissingMessage } from '../websocket-tool.messages.js';
import { HandshakeService, type HandshakeDecision } from './handshake.service.js';
import { WEBSOCKET_TOOL_GATEWAY_OPTION } from './websocket-tool.adapter.js';
import { CloseCode, toCloseReason } from '../protocol/close-codes.js';

/**
 * The gateway on `@nestjs/platform-ws`. Its path, payload limit and
 * compression come from the settings through `WebSocketToolAdapter`; every
 * connection is handed to the `ConnectionLifecycle`.
 *
 * @internal
 */
@WebSocketGateway({ [WEBSOCKET_TOOL_GATEWAY_OPTION]: true })
export class WebSocketToolGateway implements OnGatewayConnection {
  private readonly logger = new Logger('WebSocketTool');
  private warnedAdapter = false;

  constructor(
    private readonly lifecycle: ConnectionLifecycle,
    private readonly handshake: HandshakeService,
  ) {}

  /**
   * Only reached with the stock `WsAdapter`: `WebSocketToolAdapter` hands
   * accepted sockets to the lifecycle itself. Runs the checks now, after the
   * fact, and says once that the adapter is missing.
   */
  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    if (!this.warnedAdapter) {
      this.warnedAdapter = true;
      this.logger.warn(adapterMissingMessage(request.url ?? '/ws'));
    }
    const decision = this.handshake.check(request);
    const settle = (d: HandshakeDecision) => {
      if (d.accept) this.lifecycle.accept(socket, d.result);
      else socket.close(CloseCode.PolicyViolation.code, toCloseReason(d.reason));
    };
    if (decision instanceof Promise) decision.then(settle, () => socket.terminate());
    else settle(decision);
  }
}
