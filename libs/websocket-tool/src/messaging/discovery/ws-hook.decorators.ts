import { WS_HOOK_METADATA } from '../messaging.constants.js';
import type { WsHookEvent } from './ws-hook-event.js';

const hook =
  (event: WsHookEvent): MethodDecorator =>
  (_target, _key, descriptor) => {
    const existing: WsHookEvent[] = Reflect.getMetadata(WS_HOOK_METADATA, descriptor.value as object) ?? [];
    Reflect.defineMetadata(WS_HOOK_METADATA, [...existing, event], descriptor.value as object);
    return descriptor;
  };

/**
 * Called with `(client: WsClient)` after a client connected and got its welcome message.
 *
 * @publicApi
 */
export const OnWsConnect = (): MethodDecorator => hook('connect');

/**
 * Called with `(client: WsClient, reason: DisconnectReason)` once per connection when it ends.
 *
 * @publicApi
 */
export const OnWsDisconnect = (): MethodDecorator => hook('disconnect');

/**
 * Called with `(message: WsInboundMessage, context: WsMessageContext)` for every
 * admitted inbound message, before its handler runs.
 *
 * @publicApi
 */
export const OnWsMessageReceived = (): MethodDecorator => hook('message_received');

/**
 * Called with `(failure: WsMessageFailure)` when a handler fails or a send to a client fails.
 *
 * @publicApi
 */
export const OnWsMessageFailed = (): MethodDecorator => hook('message_failed');
