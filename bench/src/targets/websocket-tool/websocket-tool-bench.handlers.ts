import { Injectable } from '@nestjs/common';
import { BroadcastService, OnWsMessage, type WsInboundMessage } from '@websocket-tool/nestjs';

/** The benchmark's handlers: answer the sender, send to everyone, send to a topic. */
@Injectable()
export class WebSocketToolBenchHandlers {
  constructor(private readonly broadcasts: BroadcastService) {}

  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('bench.broadcast')
  broadcast(message: WsInboundMessage): void {
    this.broadcasts.broadcast({ type: 'bench.message', content: message.content });
  }

  @OnWsMessage('bench.publish')
  publish(message: WsInboundMessage<{ topic?: unknown }>): void {
    const topic = message.content?.topic;
    if (typeof topic === 'string') this.broadcasts.publish(topic, { type: 'bench.message', content: message.content });
  }
}
