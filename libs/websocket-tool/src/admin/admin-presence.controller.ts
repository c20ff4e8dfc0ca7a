import { BadRequestException, Get, Inject, NotFoundException, Param, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
} from './api-docs.decorators.js';
import type { PresenceMember, PresenceStats } from '../cluster/topic-presence/presence-member.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { isValidTopic } from '../connection/topic-name.js';
import { PresenceService } from '../presence/presence.service.js';
import { invalidTopicMessage, presenceUnavailableMessage, topicWithoutPresenceMessage } from './admin.messages.js';
import { AdminController } from './admin-controller.decorator.js';
import { TopicPresenceResponseDto } from './dto/presence.dto.js';

/** Who is in a topic with presence. */
@AdminController()
export class AdminPresenceController {
  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly presence: PresenceService,
  ) {}

  @Get('ws/topics/:topic/presence')
  @ApiOperation({
    summary: 'The members of a topic with presence and their counts',
    description: 'Over every node in cluster mode. A topic name with "/" is sent as %2F.',
  })
  @ApiParam({ name: 'topic', example: 'room:lobby' })
  @ApiOkResponse({ type: TopicPresenceResponseDto })
  @ApiBadRequestResponse({ description: 'The topic name is invalid' })
  @ApiNotFoundResponse({ description: 'The topic has no presence' })
  @ApiServiceUnavailableResponse({ description: 'The presence could not be read (cluster mode: Redis did not answer)' })
  async members(@Param('topic') topic: string): Promise<TopicPresenceResponseDto> {
    if (!isValidTopic(topic, this.settings.maxTopicLength))
      throw new BadRequestException(invalidTopicMessage(this.settings.maxTopicLength));
    if (!this.presence.has(topic)) throw new NotFoundException(topicWithoutPresenceMessage(topic));
    let members: PresenceMember[] | null;
    let stats: PresenceStats | null;
    try {
      [members, stats] = await Promise.all([this.presence.presence(topic), this.presence.presenceStats(topic)]);
    } catch {
      throw new ServiceUnavailableException(presenceUnavailableMessage(topic));
    }
    const sorted = (members ?? []).toSorted((a, b) => a.joinedAt - b.joinedAt || (a.clientId < b.clientId ? -1 : 1));
    return { topic, stats: stats ?? { clients: 0, users: 0 }, members: sorted, timestamp: Date.now() / 1000 };
  }
}
