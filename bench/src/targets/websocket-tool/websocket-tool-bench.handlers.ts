import { Injectable } from '@nestjs/common';
import { BroadcastService, OnWsMessage, PresenceService, type WsInboundMessage } from '@websocket-tool/nestjs';

/** The benchmark's handlers: answer the sender, send to everyone, send to a topic. */
@Injectable()
export class WebSocketToolBenchHandlers {
  constructor(
    private readonly broadcasts: BroadcastService,
    private readonly presence: PresenceService,
  ) {}

  /** Times one `presenceStats` call on the server, so the figure is the call's own, without the round trip. */
  @OnWsMessage('bench.presence_stats')
  async presenceStats(message: WsInboundMessage<{ topic?: unknown }>) {
    const topic = typeof message.content?.topic === 'string' ? message.content.topic : '';
    const started = performance.now();
    const stats = await this.presence.presenceStats(topic);
    return { type: 'bench.presence_stats', content: { us: (performance.now() - started) * 1000, clients: stats?.clients ?? null } };
  }

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
