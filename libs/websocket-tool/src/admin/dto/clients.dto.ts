import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CLIENT_SORT_KEYS, DEFAULT_CLIENT_PAGE, MAX_CLIENT_PAGE, type ClientSortKey } from '../../observability/client-query.js';
import type { ClientRow, ClientsSummary } from '../../observability/stats-snapshot.interface.js';

/** One connected client. Times are epoch seconds, durations seconds. @publicApi */
export class ClientRowDto implements ClientRow {
  @ApiProperty({ example: 'alice' }) client_id!: string;
  @ApiProperty({ enum: ['named', 'anonymous'] }) type!: 'named' | 'anonymous';
  @ApiProperty({ example: '203.0.113.7' }) ip!: string;
  @ApiProperty({ description: 'As sent by the client (up to 512 characters); render it as text' }) user_agent!: string;
  @ApiProperty({ example: 1767268800.5 }) connected_at!: number;
  @ApiProperty({ description: 'Seconds since the connection opened', example: 42.1 }) duration!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Last heartbeat ping sent' }) last_ping!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Last pong received' }) last_pong!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds since the last pong; null before the first' })
  time_since_pong!: number | null;
  @ApiProperty() messages_received!: number;
  @ApiProperty() messages_sent!: number;
  @ApiProperty() messages_failed!: number;
  @ApiProperty({ description: 'Messages waiting in its outbound queue' }) queued!: number;
  @ApiProperty({ description: 'Bytes of the messages waiting in its outbound queue' }) queued_bytes!: number;
  @ApiProperty({ description: 'Send success rate minus pong staleness, 0 to 1', example: 0.98 }) health_score!: number;
  @ApiProperty({ description: 'Socket open and not closing' }) is_alive!: boolean;
  @ApiProperty({ description: 'Messages it may still send now before being rate-limited' }) rate_limit_remaining!: number;
  @ApiProperty({ description: 'Rate-limit violations since it connected' }) rate_limit_violations!: number;
  @ApiProperty({ type: [String] }) topics!: string[];
  @ApiProperty({ type: String, nullable: true, description: "The identity's userId (the JWT sub); one user may hold several connections" })
  user_id!: string | null;
  @ApiPropertyOptional({ description: 'Node the client is connected to (cluster mode only)', example: 'web-1' }) node_id?: string;
}

/** Counts over all connected clients (not only the page). @publicApi */
export class ClientsSummaryDto implements ClientsSummary {
  @ApiProperty() total_clients!: number;
  @ApiProperty() named_clients!: number;
  @ApiProperty() anonymous_clients!: number;
  @ApiProperty({ description: 'Clients with health_score > 0.8' }) healthy_clients!: number;
  @ApiProperty({ description: 'Distinct users holding connections (cluster mode: summed over the nodes)' }) users!: number;
}

/** `GET /ws/clients`. @publicApi */
export class ClientsResponseDto {
  @ApiProperty({ type: ClientsSummaryDto }) summary!: ClientsSummaryDto;
  @ApiProperty({ type: [ClientRowDto] }) clients!: ClientRowDto[];
  @ApiProperty({ description: 'Clients matching q (before paging)' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
  @ApiPropertyOptional({ type: [String], description: 'Cluster mode: live nodes that did not answer in time (their clients are missing)' })
  missing_nodes?: string[];
}

/** Paging, search and sort of `GET /ws/clients`. @publicApi */
export class ClientsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CLIENT_PAGE, default: DEFAULT_CLIENT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CLIENT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ description: 'Case-insensitive text searched in client id, IP, user agent and user id', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: CLIENT_SORT_KEYS, description: 'Default: connection order' })
  @IsOptional()
  @IsIn(CLIENT_SORT_KEYS)
  sort?: ClientSortKey;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** Query of `DELETE /ws/clients/:clientId`. @publicApi */
export class DisconnectQueryDto {
  @ApiPropertyOptional({
    description: 'Close reason text sent to the client (control characters removed, cut to 123 bytes)',
    default: 'server_disconnect',
    maxLength: 1000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/** `DELETE /ws/clients/:clientId`. @publicApi */
export class DisconnectResultDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: 'Client alice disconnected' }) message!: string;
  @ApiProperty() client_id!: string;
  @ApiProperty({ description: 'Close reason sent', example: 'server_disconnect' }) reason!: string;
  @ApiProperty({ description: 'WebSocket close code sent', example: 4000 }) close_code!: number;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
