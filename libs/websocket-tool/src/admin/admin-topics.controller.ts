import { Backplane } from '../cluster/backplane.interface.js';
import { BadRequestException, Get, Inject, NotFoundException, Param, Query, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
} from './api-docs.decorators.js';
import { ClusterAdminService } from './cluster/cluster-admin.service.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { isValidTopic } from '../connection/topic-name.js';
import { BroadcastService } from '../messaging/broadcast.service.js';
import type { TopicHistoryPage, TopicHistoryQuery } from '../history/topic-history.interface.js';
import { historyUnavailableMessage, invalidTopicMessage, topicWithoutHistoryMessage } from './admin.messages.js';
import { AdminController } from './admin-controller.decorator.js';
import { adminQueryPipe } from './admin-validation.js';
import {
  DEFAULT_HISTORY_PAGE,
  TopicHistoryQueryDto,
  TopicHistoryResponseDto,
  TopicHistoryStateDto,
  TopicRowDto,
  TopicsResponseDto,
} from './dto/topics.dto.js';

/** Topics: those with subscribers, and the history a topic keeps. */
@AdminController()
export class AdminTopicsController {
  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly broadcast: BroadcastService,
    private readonly cluster: ClusterAdminService,
    private readonly backplane: Backplane,
  ) {}

  @Get('ws/topics')
  @ApiOperation({
    summary: 'Topics with subscribers, with their subscriber counts and, for topics with history, offset, epoch and messages kept',
    description: 'In cluster mode: the topics of every node that answered, subscribers summed over the nodes.',
  })
  @ApiOkResponse({ type: TopicsResponseDto })
  async list(): Promise<TopicsResponseDto> {
    const { topics, missing } = await this.cluster.topics();
    const rows: TopicRowDto[] = [];
    for (const { topic, subscribers } of topics) {
      const shard = this.backplane.shardOf(topic);
      rows.push({ topic, subscribers, history: await this.state(topic), ...(shard ? { shard } : {}) });
    }
    return { topics: rows, total: rows.length, timestamp: Date.now() / 1000, ...(missing ? { missing_nodes: missing } : {}) };
  }

  /**
   * Offset, epoch and messages kept, reading one message: a history keeps a
   * contiguous run of offsets ending at most at `offset` (the oldest leave
   * first), so the oldest kept one gives the count. Null without history, or
   * when the history cannot be read now.
   */
  private async state(topic: string): Promise<TopicHistoryStateDto | null> {
    let page: TopicHistoryPage | null;
    try {
      page = await this.read(topic, { since: 0, limit: 1 });
    } catch {
      return null;
    }
    if (!page) return null;
    const oldest = page.messages[0]?.meta.offset;
    return { epoch: page.epoch, offset: page.offset, size: oldest === undefined ? 0 : page.offset - oldest + 1 };
  }

  @Get('ws/topics/:topic/history')
  @ApiOperation({
    summary: 'Messages a topic with history keeps, oldest first',
    description:
      'With since (an offset): the messages after it, at most limit; without: the last limit. A topic name with "/" is sent as %2F.',
  })
  @ApiParam({ name: 'topic', example: 'chat:lobby' })
  @ApiOkResponse({ type: TopicHistoryResponseDto })
  @ApiBadRequestResponse({ description: 'The topic name, since or limit is invalid' })
  @ApiNotFoundResponse({ description: 'The topic keeps no history' })
  @ApiServiceUnavailableResponse({ description: 'The history could not be read (cluster mode: Redis did not answer)' })
  async history(@Param('topic') topic: string, @Query(adminQueryPipe) query: TopicHistoryQueryDto): Promise<TopicHistoryResponseDto> {
    if (!isValidTopic(topic, this.settings.maxTopicLength))
      throw new BadRequestException(invalidTopicMessage(this.settings.maxTopicLength));
    let page: TopicHistoryPage | null;
    try {
      page = await this.read(topic, { since: query.since, limit: query.limit ?? DEFAULT_HISTORY_PAGE });
    } catch {
      throw new ServiceUnavailableException(historyUnavailableMessage(topic));
    }
    if (!page) throw new NotFoundException(topicWithoutHistoryMessage(topic));
    return { topic, epoch: page.epoch, offset: page.offset, messages: page.messages, timestamp: Date.now() / 1000 };
  }

  /** The one place the admin API reads a topic's history. */
  private async read(topic: string, query: TopicHistoryQuery = {}): Promise<TopicHistoryPage | null> {
    return await this.broadcast.history(topic, query);
  }
}
