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
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ROOM_TOPIC_PREFIX } from './chat-rooms.js';

/** What a chat message carries. */
export class ChatMessageDto {
  @IsString()
  @MaxLength(2000)
  text!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}

/** Which room's members to list. */
export class RoomMembersDto {
  @IsString()
  @MaxLength(200)
  @Matches(/^room:/)
  topic!: string;
}

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
  @OnWsMessage('room.members', { dto: RoomMembersDto })
  async members(message: WsInboundMessage<RoomMembersDto>) {
    const topic = message.content.topic;
    const members = topic.startsWith(ROOM_TOPIC_PREFIX) ? ((await this.presence.presence(topic)) ?? []) : [];
    return {
      type: 'room.members',
      content: { topic, clients: members.map((m) => m.clientId), stats: await this.presence.presenceStats(topic) },
    };
  }

  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('chat.message', { dto: ChatMessageDto })
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
