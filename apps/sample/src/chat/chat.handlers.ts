import { Injectable, Logger } from '@nestjs/common';
import {
  BroadcastService,
  OnWsConnect,
  OnWsDisconnect,
  OnWsMessage,
  PresenceService,
  type DisconnectReason,
  type WsClient,
  type WsInboundMessage,
  type WsMessageContext,
} from '@websocket-tool/nestjs';
import { ChatBroadcastDto, ChatBroadcastMetaDto, ChatMessageDto, ChatSentDto, RoomMembersDto, RoomMembersReplyDto } from './chat.dto.js';
import { ROOM_TOPIC_PREFIX } from './chat-rooms.js';

/**
 * The sample's message handlers: `echo` answers the sender, `chat.message`
 * goes to everyone or, with `meta.topic`, to that room's subscribers.
 */
@Injectable()
export class ChatHandlers {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly broadcast: BroadcastService,
    private readonly presence: PresenceService,
  ) {}

  /** Who is in a chat room now (its client ids; the page follows joins and leaves from there). */
  @OnWsMessage('room.members', {
    dto: RoomMembersDto,
    description: "Lists a chat room's members (their client ids) and counts them.",
    example: { topic: 'room:lobby' },
    reply: { type: 'room.members', dto: RoomMembersReplyDto },
  })
  async members(message: WsInboundMessage<RoomMembersDto>) {
    const topic = message.content.topic;
    const members = topic.startsWith(ROOM_TOPIC_PREFIX) ? ((await this.presence.presence(topic)) ?? []) : [];
    return {
      type: 'room.members',
      content: { topic, clients: members.map((m) => m.clientId), stats: await this.presence.presenceStats(topic) },
    };
  }

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
