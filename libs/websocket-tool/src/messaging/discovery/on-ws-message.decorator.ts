import { WS_MESSAGE_HANDLER_METADATA } from '../messaging.constants.js';

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
  dto?: new (...args: never[]) => object;
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
