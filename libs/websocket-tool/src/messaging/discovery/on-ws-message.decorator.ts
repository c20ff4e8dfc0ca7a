import { WS_EMITS_METADATA, WS_MESSAGE_HANDLER_METADATA } from '../messaging.constants.js';
import type { WsDtoClass, WsMessageDeclaration, WsReplyDeclaration } from './ws-message-declaration.interface.js';

/**
 * Options of `@OnWsMessage`.
 *
 * @publicApi
 */
export interface OnWsMessageOptions {
  /**
   * A class-validator DTO for the message's `content`. The handler receives
   * the validated instance as `message.content`; invalid content gets a
   * `system.error` with code `validation_failed` and the handler is not called.
   */
  dto?: WsDtoClass;
  /**
   * What the handler answers, for the protocol document. Without it, a
   * handler whose declared return type is a class answers that class as the
   * request's type; otherwise the document says nothing of a reply.
   * @default none
   */
  reply?: WsReplyDeclaration;
  /**
   * Messages the handler sends on its own (broadcasts, publishes, messages to
   * other clients), declared here beside the code that sends them, for the
   * protocol document.
   * @default none
   */
  emits?: readonly WsMessageDeclaration[];
  /** What the message does, for the protocol document (plain text). @default none */
  description?: string;
  /** An example `content`, for the protocol document. @default none */
  example?: unknown;
}

/** Metadata stored by `@OnWsMessage`. */
export interface OnWsMessageMetadata {
  type: string;
  options: OnWsMessageOptions;
}

/**
 * Marks a provider or controller method as the handler of one inbound message
 * type. The method is called with `(message, context)` and whatever it
 * returns is sent back to the sender (same type, with the request's
 * `meta.id`). Stack it to handle several types with one method.
 *
 * @example
 * ```ts
 * @OnWsMessage('echo')
 * echo(message: WsInboundMessage) { return message.content; }
 * ```
 * @publicApi
 */
export function OnWsMessage(type: string, options: OnWsMessageOptions = {}): MethodDecorator {
  return (_target, _key, descriptor) => {
    const existing: OnWsMessageMetadata[] = Reflect.getMetadata(WS_MESSAGE_HANDLER_METADATA, descriptor.value as object) ?? [];
    Reflect.defineMetadata(WS_MESSAGE_HANDLER_METADATA, [...existing, { type, options }], descriptor.value as object);
    return descriptor;
  };
}

/**
 * Declares a message a provider sends on its own (not as a reply), for the
 * protocol document (`/ws/asyncapi.json`). Put it on the class whose code
 * sends the message; it stacks.
 *
 * @example
 * ```ts
 * @WsEmits('price.tick', PriceTickDto, { description: 'Every second, to topic prices' })
 * @Injectable()
 * export class PriceFeed { ... }
 * ```
 * @publicApi
 */
export function WsEmits(
  type: string,
  dto?: WsDtoClass,
  options: Pick<WsMessageDeclaration, 'meta' | 'description' | 'example'> = {},
): ClassDecorator {
  return (target) => {
    const existing: WsMessageDeclaration[] = Reflect.getOwnMetadata(WS_EMITS_METADATA, target) ?? [];
    Reflect.defineMetadata(WS_EMITS_METADATA, [...existing, { type, dto, ...options }], target);
  };
}
