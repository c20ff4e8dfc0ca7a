import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { adapterMissingMessage } from './transport.messages.js';
import { WEBSOCKET_TOOL_GATEWAY_OPTION } from './websocket-tool.adapter.js';

/**
 * The gateway on `@nestjs/platform-ws`. `WebSocketToolAdapter` gives its
 * server the path, payload limit and compression from the settings, runs the
 * handshake checks and hands every accepted socket to the
 * `ConnectionLifecycle`; the gateway itself only marks the server as ours.
 *
 * @internal
 */
@WebSocketGateway({ [WEBSOCKET_TOOL_GATEWAY_OPTION]: true })
export class WebSocketToolGateway implements OnApplicationBootstrap {
  /** Set by Nest when an adapter created the server; unset in a context without HTTP (a worker). */
  @WebSocketServer() private readonly server?: { [WEBSOCKET_TOOL_GATEWAY_OPTION]?: boolean };

  constructor(@Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings) {}

  /**
   * Another adapter (the stock `WsAdapter`) would listen on the wrong path,
   * without the handshake checks or the connection lifecycle: no client could
   * use the module. Better to stop the boot with what to do.
   */
  onApplicationBootstrap(): void {
    if (this.server && !this.server[WEBSOCKET_TOOL_GATEWAY_OPTION]) throw new Error(adapterMissingMessage(this.settings.path));
  }
}
