import {
  BadRequestException,
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
} from './api-docs.decorators.js';
import { ClusterAdminService, type ClusterClientPage } from './cluster/cluster-admin.service.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { isValidTopic } from '../connection/topic-name.js';
import { BroadcastService } from '../messaging/broadcast.service.js';
import type { SendResult } from '../messaging/send-result.interface.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { CloseCode, toCloseReason } from '../protocol/close-codes.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import {
  broadcastQueueFullMessage,
  clientNotConnectedMessage,
  invalidTopicMessage,
  noActiveConnectionsMessage,
  sendQueueFullMessage,
  sendTargetConflictMessage,
} from './admin.messages.js';
import { AdminController } from './admin-controller.decorator.js';
import { adminBodyPipe, adminQueryPipe } from './admin-validation.js';
import { DEFAULT_CLIENT_PAGE } from '../observability/client-query.js';
import { ClientRowDto, ClientsQueryDto, ClientsResponseDto, DisconnectQueryDto, DisconnectResultDto } from './dto/clients.dto.js';
import { BroadcastQueryDto, BroadcastResultDto } from './dto/broadcast.dto.js';
import { SendMessageDto, SendMessageQueryDto, SendMessageResultDto } from './dto/send-message.dto.js';

/** Message type of `POST /broadcast`, as in the original plugin. */
const ADMIN_MESSAGE_TYPE = 'admin_message';

/** Control characters and bidi overrides, which have no place in a close reason. */
const UNSAFE_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** A close reason from user text: unsafe characters removed, at most 123 bytes. */
export function closeReasonFrom(text: string | undefined): string {
  const clean = (text ?? '').replace(UNSAFE_TEXT, ' ').replace(/\s+/g, ' ').trim();
  return toCloseReason(clean || CloseCode.ServerDisconnect.reason);
}

/** Connected clients: list, inspect, disconnect, and send them messages. */
@AdminController()
export class AdminClientsController {
  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly broadcast: BroadcastService,
    private readonly queue: OutboundQueue,
    private readonly cluster: ClusterAdminService,
  ) {}

  @Get(['ws/clients', 'info/clients'])
  @ApiOperation({
    summary: 'Connected clients, a page at a time, with search and sort',
    description: 'In cluster mode: the clients of every node, each row with its node_id.',
  })
  @ApiOkResponse({ type: ClientsResponseDto })
  @ApiBadRequestResponse({ description: 'A query parameter is out of range' })
  list(@Query(adminQueryPipe) query: ClientsQueryDto): ClientsResponseDto | Promise<ClientsResponseDto> {
    const now = Date.now();
    const limit = query.limit ?? DEFAULT_CLIENT_PAGE;
    const offset = query.offset ?? 0;
    const request = { q: query.q, sort: query.sort, order: query.order, limit, offset };
    const respond = ({ summary, total, clients, missing }: ClusterClientPage): ClientsResponseDto => ({
      summary,
      clients,
      total,
      limit,
      offset,
      timestamp: now / 1000,
      ...(missing ? { missing_nodes: missing } : {}),
    });
    const page = this.cluster.listClients(request, now);
    return page instanceof Promise ? page.then(respond) : respond(page);
  }

  @Get(['ws/clients/:clientId', 'info/clients/:clientId'])
  @ApiOperation({ summary: 'One connected client' })
  @ApiParam({ name: 'clientId', example: 'alice' })
  @ApiOkResponse({ type: ClientRowDto })
  @ApiNotFoundResponse({ description: 'No client with that id is connected' })
  async one(@Param('clientId') clientId: string): Promise<ClientRowDto> {
    const row = await this.cluster.client(clientId);
    if (!row) throw new NotFoundException(clientNotConnectedMessage(clientId));
    return row;
  }

  @Delete('ws/clients/:clientId')
  @ApiOperation({
    summary: 'Disconnect a client',
    description: `Closes its socket with close code ${CloseCode.ServerDisconnect.code} and the given reason (default "${CloseCode.ServerDisconnect.reason}").`,
  })
  @ApiParam({ name: 'clientId', example: 'alice' })
  @ApiOkResponse({ type: DisconnectResultDto })
  @ApiNotFoundResponse({ description: 'No client with that id is connected' })
  disconnect(@Param('clientId') clientId: string, @Query(adminQueryPipe) query: DisconnectQueryDto): Promise<DisconnectResultDto> {
    return this.disconnectClient(clientId, query);
  }

  @Post('ws/clients/:clientId/disconnect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disconnect a client (POST form, as in the original plugin)',
    description: 'The same as DELETE /ws/clients/{clientId}, for forms and tools that only POST.',
  })
  @ApiParam({ name: 'clientId', example: 'alice' })
  @ApiOkResponse({ type: DisconnectResultDto })
  @ApiNotFoundResponse({ description: 'No client with that id is connected' })
  disconnectByPost(@Param('clientId') clientId: string, @Query(adminQueryPipe) query: DisconnectQueryDto): Promise<DisconnectResultDto> {
    return this.disconnectClient(clientId, query);
  }

  private async disconnectClient(clientId: string, query: DisconnectQueryDto): Promise<DisconnectResultDto> {
    const reason = closeReasonFrom(query.reason);
    const closed = await this.cluster.disconnect(clientId, reason);
    if (!closed) throw new NotFoundException(clientNotConnectedMessage(clientId));
    return {
      success: true,
      message: `Client ${clientId} disconnected`,
      client_id: clientId,
      reason,
      close_code: CloseCode.ServerDisconnect.code,
      timestamp: Date.now() / 1000,
    };
  }

  @Post('ws/send-message')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a message to one client, a topic, or everyone',
    description: 'Target with ?client_id= or body client_id, or body topic; with neither, every connected client gets it.',
  })
  @ApiAcceptedResponse({ type: SendMessageResultDto, description: 'Queued (queued may be 0 when nobody is subscribed or connected)' })
  @ApiBadRequestResponse({ description: 'The body is invalid, or two targets were given' })
  @ApiNotFoundResponse({ description: 'client_id is not connected, or no client at all is (No active WebSocket connections)' })
  @ApiServiceUnavailableResponse({ description: 'The outbound queue is full; the message was dropped for some recipients' })
  async send(@Body(adminBodyPipe) body: SendMessageDto, @Query(adminQueryPipe) query: SendMessageQueryDto): Promise<SendMessageResultDto> {
    if (query.client_id && body.client_id && query.client_id !== body.client_id) throw new BadRequestException(sendTargetConflictMessage());
    const clientId = query.client_id ?? body.client_id;
    const topic = body.topic;
    if (clientId && topic !== undefined) throw new BadRequestException(sendTargetConflictMessage());
    if (topic !== undefined && !isValidTopic(topic, this.settings.maxTopicLength)) {
      throw new BadRequestException(invalidTopicMessage(this.settings.maxTopicLength));
    }
    if ((await this.cluster.activeConnections()) === 0) throw new NotFoundException(noActiveConnectionsMessage());

    const message: WsOutboundMessage = { type: body.type, content: body.content ?? null, meta: body.meta ?? {} };
    let result: SendResult;
    let described: string;
    if (clientId) {
      result = this.broadcast.sendToClient(clientId, message);
      described = `client ${clientId}`;
    } else if (topic !== undefined) {
      result = this.broadcast.publish(topic, message);
      described = `subscribers of topic ${topic}`;
    } else {
      result = this.broadcast.broadcast(message);
      described = 'all connected clients';
    }

    if (result.reason === 'unknown_client') throw new NotFoundException(clientNotConnectedMessage(clientId as string));
    if (result.reason === 'not_serializable') throw new BadRequestException('content and meta must be serializable as JSON.');
    if (result.reason === 'queue_full') {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: sendQueueFullMessage(result.dropped, result.queued),
        reason: 'queue_full',
        queued: result.queued,
        dropped: result.dropped,
      });
    }
    return {
      success: true,
      message: `Message queued for ${described}`,
      target_type: clientId ? 'client' : topic !== undefined ? 'topic' : 'all',
      target: clientId ?? topic ?? null,
      queued: result.queued,
      dropped: result.dropped,
      stats: { active_connections: this.registry.count(), queue_size: this.queue.size },
      timestamp: Date.now() / 1000,
    };
  }

  @Post('broadcast')
  @HttpCode(200)
  @ApiOperation({
    summary: "Send an admin_message to every client (the original plugin's admin_broadcast)",
    description: 'Every connected client gets {type: "admin_message", content: <message>, meta: {level, timestamp, from: "admin"}}.',
  })
  @ApiOkResponse({ type: BroadcastResultDto })
  @ApiBadRequestResponse({ description: 'message is missing or empty, or level is not one word' })
  @ApiServiceUnavailableResponse({ description: 'The outbound queue is full; the message was dropped for some clients' })
  broadcastAdminMessage(@Query(adminQueryPipe) query: BroadcastQueryDto): BroadcastResultDto {
    const now = Date.now();
    const result = this.broadcast.broadcast({
      type: ADMIN_MESSAGE_TYPE,
      content: query.message,
      meta: { level: query.level ?? 'info', timestamp: now / 1000, from: 'admin' },
    });
    if (result.reason === 'queue_full') {
      throw new ServiceUnavailableException({
        success: false,
        error: broadcastQueueFullMessage(),
        queued: result.queued,
        dropped: result.dropped,
      });
    }
    return { success: true, message: 'Broadcast sent', queued: result.queued, timestamp: now / 1000 };
  }
}
