import { IsBoolean, IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { IsIn } from 'class-validator';

/** One `allowedHosts` entry: a host name (`*.` in front for any name below it), an IPv4 address or a bracketed IPv6 one. */
const HOST_ENTRY = String.raw`(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?|\[[0-9A-Fa-f:.]+\]`;
const ALLOWED_HOSTS = new RegExp(String.raw`^\s*(?:(?:${HOST_ENTRY})(?:\s*,\s*(?:${HOST_ENTRY}))*\s*)?$`);

/**
 * The validation rules of every setting. Mirrors `SETTINGS_TABLE`; the
 * resolver checks at boot that the two list the same keys.
 */
export class WebSocketToolSettingsSchema {
  @IsInt() @Min(1) @Max(10_000_000) maxQueueSize!: number;
  @IsInt() @Min(1) @Max(64) consumerPoolSize!: number;
  @IsBoolean() enableHeartbeat!: boolean;
  @IsNumber() @Min(0.05) @Max(86_400) heartbeatInterval!: number;
  @IsNumber() @Min(0.05) @Max(86_400) heartbeatTimeout!: number;
  @IsInt() @Min(1) @Max(1_000_000) maxClientErrors!: number;
  @IsNumber() @Min(0.05) @Max(86_400) taskRestartInterval!: number;
  @IsInt() @Min(1) @Max(100_000_000) rateLimitMessagesPerWindow!: number;
  @IsNumber() @Min(0.001) @Max(86_400) rateLimitMessageWindow!: number;
  @IsInt() @Min(1) @Max(100_000_000) rateLimitConnectionsPerWindow!: number;
  @IsNumber() @Min(0.001) @Max(86_400) rateLimitConnectionWindow!: number;
  @IsNumber() @Min(1) @Max(1000) rateLimitBurstMultiplier!: number;
  @IsInt() @Min(1) @Max(1_000_000) rateLimitDisconnectAfter!: number;
  @Matches(/^(\/[A-Za-z0-9._~-]+)+$/) path!: string;
  @IsInt() @Min(64) @Max(104_857_600) maxPayloadBytes!: number;
  @IsBoolean() perMessageDeflate!: boolean;
  @IsInt() @Min(0) @Max(10_000_000) maxConnections!: number;
  @IsInt() @Min(0) @Max(32) trustProxy!: number;
  @IsInt() @Min(1) @Max(10_000_000) maxClientQueueSize!: number;
  @IsInt() @Min(1024) @Max(1_073_741_824) sendHighWaterMarkBytes!: number;
  @IsInt() @Min(1024) @Max(1_073_741_824) maxClientQueueBytes!: number;
  @IsInt() @Min(65_536) @Max(68_719_476_736) maxQueueBytes!: number;
  @IsNumber() @Min(0.1) @Max(3600) slowConsumerTimeout!: number;
  @IsInt() @Min(1) @Max(1_000_000) rateLimitControlPerSecond!: number;
  @IsNumber() @Min(0) @Max(600) shutdownTimeout!: number;
  @IsNumber() @Min(0) @Max(86_400) handlerTimeout!: number;
  @IsInt() @Min(1) @Max(100_000) maxTopicsPerClient!: number;
  @IsInt() @Min(1) @Max(10_000) maxTopicLength!: number;
  @IsInt() @Min(1) @Max(1000) maxJsonDepth!: number;
  @IsIn(['subscribers', 'all']) taskEventsAudience!: 'subscribers' | 'all';
  @IsInt() @Min(0) @Max(100_000) taskHistorySize!: number;
  @IsNumber() @Min(0) @Max(604_800) taskRetention!: number;
  @IsInt() @Min(1) @Max(1_000_000) maxTrackedTasks!: number;
  @IsNumber() @Min(1) @Max(600) handshakeTimeout!: number;
  @IsInt() @Min(0) @Max(10_000_000) maxConnectionsPerIp!: number;
  @IsString() @Matches(ALLOWED_HOSTS) allowedHosts!: string;
  @IsString() @Matches(/^[A-Za-z0-9_.:-]{0,100}$/) identityTopicsClaim!: string;
  @IsString() @Matches(/^[A-Za-z0-9._:@/-]{0,50}$/) personalTopicPrefix!: string;
  @IsNumber() @Min(0) @Max(86_400) tokenExpiryNotice!: number;
  @IsBoolean() enableMetrics!: boolean;
  @IsString() @Matches(/^([A-Za-z_:][A-Za-z0-9_:]{0,99})?$/) metricsPrefix!: string;
  @IsBoolean() enableAdmin!: boolean;
  @IsString() @Matches(/^((\/[A-Za-z0-9._~-]+)+)?$/) adminPrefix!: string;
  @IsString() @Matches(/^(\/[A-Za-z0-9._~-]+)+$/) adminPagePath!: string;
  // Deliberately no length rule: a failed rule prints the value, and this one is a secret.
  @IsString() adminToken!: string;
  @IsNumber() @Min(0.1) @Max(86_400) healthWindow!: number;
  @IsString() @Matches(/^(off|(\/[A-Za-z0-9._~-]+)+)?$/) clientBundlePath!: string;
  @IsString() @Matches(/^(rediss?:\/\/[^\s,]+(,rediss?:\/\/[^\s,]+)*)?$/i) redisUrl!: string;
}
