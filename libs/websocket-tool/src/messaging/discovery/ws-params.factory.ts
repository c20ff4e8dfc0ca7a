import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';

/** The values `@ConnectedSocket()` and `@MessageBody()` of @nestjs/websockets store as their param type. */
const SOCKET_PARAM = 0;
const PAYLOAD_PARAM = 3;

/**
 * Resolves `@ConnectedSocket()` (the `WsMessageContext`) and `@MessageBody(key?)`
 * (the message, or one of its fields) for `@OnWsMessage` handlers, as the Nest
 * gateway does for `@SubscribeMessage`.
 */
export class WsToolParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: unknown[]): unknown {
    if (!args) return null;
    switch (type) {
      case SOCKET_PARAM:
        return args[0];
      case PAYLOAD_PARAM:
        return data ? (args[1] as Record<string, unknown> | undefined)?.[data as string] : args[1];
      default:
        return null;
    }
  }
}
