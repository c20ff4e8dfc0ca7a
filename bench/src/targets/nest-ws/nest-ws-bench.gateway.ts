import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayDisconnect,
  type WsResponse,
} from '@nestjs/websockets';
import { WebSocket, type WebSocketServer as WsServer } from 'ws';
import { WS_PATH } from '../../shared/bench-protocol.constants.js';

interface TopicData {
  topic?: unknown;
}

/**
 * A gateway as the Nest documentation writes one for `@nestjs/platform-ws`:
 * `{event, data}` frames, `@SubscribeMessage` handlers returning a
 * `WsResponse`, broadcast by iterating `server.clients` (serialized once),
 * and topics kept by hand since the ws platform has no rooms.
 */
@WebSocketGateway({ path: WS_PATH })
export class NestWsBenchGateway implements OnGatewayDisconnect {
  @WebSocketServer()
  server!: WsServer;

  private readonly topics = new Map<string, Set<WebSocket>>();
  private readonly topicsOf = new Map<WebSocket, string[]>();

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): WsResponse<unknown> {
    return { event: 'echo', data };
  }

  @SubscribeMessage('broadcast')
  broadcast(@MessageBody() data: unknown): void {
    const text = JSON.stringify({ event: 'broadcast', data });
    this.server.clients.forEach((client) => {
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() client: WebSocket, @MessageBody() data: TopicData): WsResponse<unknown> | undefined {
    if (typeof data?.topic !== 'string') return undefined;
    let members = this.topics.get(data.topic);
    if (!members) this.topics.set(data.topic, (members = new Set()));
    members.add(client);
    const own = this.topicsOf.get(client);
    if (own) own.push(data.topic);
    else this.topicsOf.set(client, [data.topic]);
    return { event: 'subscribed', data: { topic: data.topic } };
  }

  @SubscribeMessage('publish')
  publish(@MessageBody() data: TopicData): void {
    const members = typeof data?.topic === 'string' ? this.topics.get(data.topic) : undefined;
    if (!members) return;
    const text = JSON.stringify({ event: 'message', data });
    for (const client of members) {
      if (client.readyState === WebSocket.OPEN) client.send(text);
    }
  }

  handleDisconnect(client: WebSocket): void {
    for (const topic of this.topicsOf.get(client) ?? []) {
      const members = this.topics.get(topic);
      members?.delete(client);
      if (members?.size === 0) this.topics.delete(topic);
    }
    this.topicsOf.delete(client);
  }
}
