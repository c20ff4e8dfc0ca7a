import type { Unsubscribe, WsMessage, WsOutgoingMessage } from './message.interface.js';
import { ACK_ID_META, ClientReplyErrorCode, REQUEST_ID_META, SystemMessageType } from './protocol/index.js';

/**
 * Answers a server request (`BroadcastService.request` on the server): what it returns, or what its
 * promise resolves with, goes back as the reply; a throw or a rejection goes back as `handler_error`.
 *
 * @publicApi
 */
export type RequestHandler<TContent = unknown, TReply = unknown> = (message: WsMessage<TContent>) => TReply | Promise<TReply>;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The client's side of acknowledged sends and server requests: a message with `meta.ack_id` is
 * acknowledged once the handlers have seen it; one with `meta.request_id` goes to the `handle()` handler
 * of its type, whose result is the reply. Both answers are protocol messages: written at once, exempt
 * from the rate limit, lost with the connection (the server then counts the client as offline).
 */
export class ServerRequests {
  private readonly handlers = new Map<string, RequestHandler>();

  constructor(private readonly write: (message: WsOutgoingMessage) => boolean) {}

  /** One handler per type: a later one replaces the earlier. */
  handle(type: string, handler: RequestHandler): Unsubscribe {
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('A request handler needs a non-empty message type.');
    if (typeof handler !== 'function') throw new TypeError(`The request handler for "${type}" must be a function.`);
    this.handlers.set(type, handler);
    return () => {
      if (this.handlers.get(type) === handler) this.handlers.delete(type);
    };
  }

  /** Called after the message handlers ran. */
  answer(message: WsMessage): void {
    const meta = message.meta;
    const ackId = meta[ACK_ID_META];
    if (typeof ackId === 'string') this.write({ type: SystemMessageType.Ack, meta: { [ACK_ID_META]: ackId } });
    const requestId = meta[REQUEST_ID_META];
    if (typeof requestId === 'string') void this.reply(message, requestId);
  }

  private async reply(message: WsMessage, requestId: string): Promise<void> {
    const handler = this.handlers.get(message.type);
    if (!handler) {
      this.fail(requestId, ClientReplyErrorCode.NoHandler, `No request handler for "${message.type}".`);
      return;
    }
    let content: unknown;
    try {
      content = await handler(message);
    } catch (error) {
      this.fail(requestId, ClientReplyErrorCode.HandlerError, errorText(error));
      return;
    }
    try {
      this.write({
        type: SystemMessageType.Reply,
        content: content === undefined ? null : content,
        meta: { [REQUEST_ID_META]: requestId },
      });
    } catch (error) {
      this.fail(requestId, ClientReplyErrorCode.HandlerError, `The reply cannot be sent: ${errorText(error)}`);
    }
  }

  private fail(requestId: string, code: string, text: string): void {
    this.write({ type: SystemMessageType.Reply, content: null, meta: { [REQUEST_ID_META]: requestId, error: { code, message: text } } });
  }
}
