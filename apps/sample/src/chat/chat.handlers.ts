import { Injectable, Logger } from '@nestjs/common';
import {
  BroadcastService,
  OnWsConnect,
  OnWsDisconnect,
  OnWsMessage,
  type DisconnectReason,
  type WsClient,
  type WsInboundMessage,
  type WsMessageContext,
} from '@websocket-tool/nestjs';
import { ChatBroadcastDto, ChatBroadcastMetaDto, ChatMessageDto, ChatSentDto } from './chat.dto.js';

/**
 * The sample's message handlers: `echo` answers the sender, `chat.message`
 * goes to everyone or, with `meta.topic`, to that room's subscribers.
 */
@Injectable()
export class ChatHandlers {
  private readonly logger = new Logger('Chat');

  constructor(private readonly broadcast: BroadcastService) {}

  @OnWsMessage('echo', { description: 'Answers the content as sent.', example: 'hello', reply: { description: 'The content, as sent.' } })
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('chat.message', {
    dto: ChatMessageDto,
    description: 'Sends a chat line to everyone, or with meta.topic to that room.',
    example: { text: 'hello' },
    reply: { type: 'chat.sent', dto: ChatSentDto },
    emits: [{ type: 'chat.message', dto: ChatBroadcastDto, meta: ChatBroadcastMetaDto, description: 'A chat line to everyone or a room.' }],
  })
  chat(message: WsInboundMessage<ChatMessageDto>, context: WsMessageContext) {
    const topic = typeof message.meta.topic === 'string' ? message.meta.topic : null;
    const outbound = {
      type: 'chat.message',
      content: { text: message.content.text, name: message.content.name ?? context.clientId },
      meta: { from: context.clientId, ...(topic ? { topic } : {}) },
    };
    const result = topic ? this.broadcast.publish(topic, outbound) : this.broadcast.broadcast(outbound);
    return { type: 'chat.sent', content: { delivered_to: result.queued, dropped: result.dropped } };
  }

  @OnWsConnect()
  connected(client: WsClient) {
    this.logger.log(`connected: ${JSON.stringify(client.clientId)}`);
  }

  @OnWsDisconnect()
  disconnected(client: WsClient, reason: DisconnectReason) {
    this.logger.log(`disconnected: ${JSON.stringify(client.clientId)} (${reason})`);
  }
}
