import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';

/** Events counted over the health window. @publicApi */
export class HealthWindowDto {
  @ApiProperty() queue_overflows!: number;
  @ApiProperty() messages_sent!: number;
  @ApiProperty() messages_failed!: number;
  @ApiProperty() heartbeat_timeouts!: number;
  @ApiProperty() disconnections!: number;
  @ApiProperty() rate_limited_messages!: number;
  @ApiProperty() rate_limited_connections!: number;
  @ApiProperty() rate_limit_disconnects!: number;
}

/** Figures behind the health verdict. @publicApi */
export class HealthStatsDto {
  @ApiProperty() active_connections!: number;
  @ApiProperty() queue_utilization!: number;
  @ApiProperty() message_success_rate!: number;
  @ApiProperty({ description: 'Connections accepted since start' }) uptime_connections!: number;
  @ApiProperty() is_shutdown!: boolean;
  @ApiProperty({ description: 'healthWindow, in seconds' }) window_seconds!: number;
  @ApiProperty({ type: HealthWindowDto }) window!: HealthWindowDto;
}

/** This node's link to the cluster. @publicApi */
export class HealthClusterDto {
  @ApiProperty({ example: 'web-1' }) node_id!: string;
  @ApiProperty({ enum: ['connecting', 'up', 'down', 'closed'] }) state!: 'off' | 'connecting' | 'up' | 'down' | 'closed';
}

/** `GET /ws/health`: 200 when healthy or warning, 503 when critical or shutting down. @publicApi */
export class HealthResponseDto {
  @ApiProperty({ enum: ['healthy', 'warning', 'critical'] }) status!: 'healthy' | 'warning' | 'critical';
  @ApiProperty({ type: [String], example: ['Messages are being rate-limited: 3 in the last 5 min'] }) issues!: string[];
  @ApiProperty({ type: HealthStatsDto }) stats!: HealthStatsDto;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
  @ApiPropertyOptional({ type: HealthClusterDto, description: 'Cluster mode only' }) cluster?: HealthClusterDto;
}
