import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { TopicShard } from '../../cluster/backplane.interface.js';

/** Most messages `GET /ws/topics/{topic}/history` returns at once. */
export const MAX_HISTORY_PAGE = 1000;
/** Messages `GET /ws/topics/{topic}/history` returns without `limit`. */
export const DEFAULT_HISTORY_PAGE = 100;

/** Where a topic with history stands. @publicApi */
export class TopicHistoryStateDto {
  @ApiProperty({ description: 'Epoch of the history (a new one after a restart or when the history was forgotten)', example: 'k3x9a0q2' })
  epoch!: string;
  @ApiProperty({ description: 'Offset of the last message published in this epoch (0 before the first)', example: 42 })
  offset!: number;
  @ApiProperty({ description: 'Messages kept now (expired ones not counted)', example: 42 })
  size!: number;
}

/** One topic with subscribers. @publicApi */
export class TopicRowDto {
  @ApiProperty({ description: 'As given by clients (letters, digits and ._:@/-); render it as text', example: 'chat:lobby' })
  topic!: string;
  @ApiProperty({ description: 'Subscribed connections (on every node that answered, in cluster mode)', example: 3 })
  subscribers!: number;
  @ApiProperty({ type: TopicHistoryStateDto, nullable: true, description: 'Null when the topic keeps no history' })
  history!: TopicHistoryStateDto | null;
  @ApiPropertyOptional({
    description: 'On a Redis Cluster: the bucket of the topic, its slot and the master serving it (`host:port`)',
    example: { bucket: 3, slot: 12565, master: '10.0.0.23:6379' },
  })
  shard?: TopicShard;
}

/** `GET /ws/topics`. @publicApi */
export class TopicsResponseDto {
  @ApiProperty({ type: [TopicRowDto], description: 'Sorted by name; at most 10,000' }) topics!: TopicRowDto[];
  @ApiProperty({ description: 'Number of topics listed' }) total!: number;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
  @ApiPropertyOptional({
    type: [String],
    description: 'Cluster mode: live nodes that did not answer in time (their subscribers are missing)',
  })
  missing_nodes?: string[];
}

/** Query of `GET /ws/topics/{topic}/history`. @publicApi */
export class TopicHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 0, description: 'Only messages with an offset greater than this; without it, the last `limit` kept' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  since?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_HISTORY_PAGE, default: DEFAULT_HISTORY_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HISTORY_PAGE)
  limit?: number;
}

/** A message as kept in a topic's history. @publicApi */
export class TopicHistoryMessageDto {
  @ApiProperty({ example: 'chat' }) type!: string;
  @ApiPropertyOptional({ description: 'Any JSON value', nullable: true }) content?: unknown;
  @ApiProperty({ description: 'As published, with topic, offset and epoch', type: Object }) meta!: Record<string, unknown>;
  @ApiProperty({ description: 'When it was sent (ISO 8601)' }) timestamp!: string;
}

/** `GET /ws/topics/{topic}/history`. @publicApi */
export class TopicHistoryResponseDto {
  @ApiProperty({ example: 'chat:lobby' }) topic!: string;
  @ApiProperty({ example: 'k3x9a0q2' }) epoch!: string;
  @ApiProperty({ description: 'Offset of the last message published in this epoch', example: 42 }) offset!: number;
  @ApiProperty({ type: [TopicHistoryMessageDto], description: 'Oldest first' }) messages!: TopicHistoryMessageDto[];
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
