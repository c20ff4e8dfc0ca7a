import type { SettingSource } from '../../config/resolved-settings.interface.js';
import { ApiProperty } from '../api-docs.decorators.js';

/** One setting in force. @publicApi */
export class ConfigEntryDto {
  @ApiProperty({ example: 'maxQueueSize' }) option!: string;
  @ApiProperty({ example: 'FP_WST_MAX_QUEUE_SIZE' }) env!: string;
  @ApiProperty({ description: 'Value in force; secrets show as "[redacted]"', example: 10000 }) value!: unknown;
  @ApiProperty({ example: 10000 }) default!: unknown;
  @ApiProperty({
    enum: ['default', 'options', 'env', 'env-file', 'config'],
    description: 'default, forRoot options, process environment, a .env file read by ConfigModule, or ConfigService configuration (load)',
  })
  source!: SettingSource;
  @ApiProperty({ description: 'The allowed values' }) rule!: string;
}

/** `GET /info/config`. @publicApi */
export class ConfigResponseDto {
  @ApiProperty({ type: [ConfigEntryDto] }) settings!: ConfigEntryDto[];
  @ApiProperty({ description: 'The rate-limit settings alone, by option name', example: { rateLimitMessagesPerWindow: 60 } })
  rate_limits!: Record<string, unknown>;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}

/** One registered `@OnWsMessage` handler. @publicApi */
export class HandlerInfoDto {
  @ApiProperty({ example: 'chat.message' }) type!: string;
  @ApiProperty({ example: 'ChatHandlers' }) provider!: string;
  @ApiProperty({ example: 'onMessage' }) method!: string;
  @ApiProperty({ type: String, nullable: true, example: 'ChatMessageDto' }) dto!: string | null;
  @ApiProperty({
    description: 'Own rate limit: null = module default, false = none',
    nullable: true,
    example: { limit: 10, window: 60 },
  })
  rate_limit!: Record<string, unknown> | false | null;
}

/** `GET /ws/handlers`. @publicApi */
export class HandlersResponseDto {
  @ApiProperty({ type: [HandlerInfoDto] }) handlers!: HandlerInfoDto[];
  @ApiProperty({ description: 'Lifecycle hooks per event: Class.method names', example: { client_connected: ['ChatHandlers.hello'] } })
  hooks!: Record<string, string[]>;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
