import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WsHandlerRegistry } from '../messaging/discovery/ws-handler-registry.js';
import { buildProtocolDocument, type ProtocolDocument } from './asyncapi-document.builder.js';
import { toYaml } from './to-yaml.js';

/**
 * The protocol's AsyncAPI 3.0 document, built once at boot from the handlers
 * the explorer found (after every module's init), the messages declared with
 * `@WsEmits` or `emits`, and the library's own `system.*` messages.
 *
 * @internal
 */
@Injectable()
export class AsyncApiDocumentService implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebSocketTool');
  private built: (ProtocolDocument & { json: string; yaml: string }) | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: WsHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const built = buildProtocolDocument({
      path: this.settings.path,
      title: 'WebSocket protocol',
      version: '1.0.0',
      handlers: this.registry.handlers.values(),
      emits: this.registry.emits,
    });
    for (const conflict of built.conflicts) this.logger.warn(conflict);
    this.built = { ...built, json: JSON.stringify(built.document, null, 2), yaml: toYaml(built.document) };
  }

  /** The document as built at boot (built now if asked for before the app finished booting). */
  get document(): ProtocolDocument & { json: string; yaml: string } {
    if (!this.built) this.onApplicationBootstrap();
    return this.built!;
  }
}
