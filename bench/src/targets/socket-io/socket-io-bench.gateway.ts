import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer, type WsResponse } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';

interface TopicData {
  topic?: unknown;
}

/**
 * A Socket.IO gateway as the Nest documentation writes one: the same events
 * as the other targets, broadcast with `server.emit`, topics as rooms.
 */
@WebSocketGateway()
export class SocketIoBenchGateway {
  @WebSocketServer()
  server!: Server;

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): WsResponse<unknown> {
    return { event: 'echo', data };
  }

  @SubscribeMessage('broadcast')
  broadcast(@MessageBody() data: unknown): void {
    this.server.emit('broadcast', data);
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() client: Socket, @MessageBody() data: TopicData): Promise<WsResponse<unknown> | undefined> {
    if (typeof data?.topic !== 'string') return undefined;
    await client.join(data.topic);
    return { event: 'subscribed', data: { topic: data.topic } };
  }

  @SubscribeMessage('publish')
  publish(@MessageBody() data: TopicData): void {
    if (typeof data?.topic === 'string') this.server.to(data.topic).emit('message', data);
  }
}
