import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';
import { IsDefined, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CLIENT_ID_PATTERN } from '../../transport/client-id.js';
import { RESERVED_TYPE_PREFIX } from '../../protocol/protocol.constants.js';

const NOT_RESERVED = new RegExp(`^(?!${RESERVED_TYPE_PREFIX.replace('.', '\\.')})`);
const CLIENT_ID_RULE = 'client_id must be 1 to 128 characters of letters, digits and ._:@-';

/**
 * Body of `POST /ws/send-message`: the message, and optionally its target.
 * Without `client_id` or `topic` it goes to every connected client.
 *
 * @publicApi
 */
export class SendMessageDto {
  @ApiProperty({ description: 'Message type; types starting with "system." are reserved', example: 'admin_message', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_RESERVED, { message: 'type must not start with "system." (reserved for WebSocketTool)' })
  type!: string;

  @ApiProperty({ description: 'Any JSON value (null allowed)', example: 'Maintenance in 5 minutes' })
  @ValidateIf((o: SendMessageDto) => o.content !== null)
  @IsDefined({ message: 'content is required (it may be null)' })
  content!: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { level: 'warning' } })
  @IsOptional()
  @IsObject()
  meta?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Send to this client only (same as ?client_id=)', example: 'alice' })
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN, { message: CLIENT_ID_RULE })
  client_id?: string;

  @ApiPropertyOptional({ description: "Send to this topic's subscribers only", example: 'room-1' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  topic?: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility and ignored: the server stamps each message', deprecated: true })
  @IsOptional()
  @IsString()
  timestamp?: string;
}

/** Query of `POST /ws/send-message`. @publicApi */
export class SendMessageQueryDto {
  @ApiPropertyOptional({ description: 'Send to this client only', example: 'alice' })
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN, { message: CLIENT_ID_RULE })
  client_id?: string;
}

/** Queue figures after a send. @publicApi */
export class SendStatsDto {
  @ApiProperty() active_connections!: number;
  @ApiProperty() queue_size!: number;
}

/** `POST /ws/send-message`: 202 with what was queued. @publicApi */
export class SendMessageResultDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: 'Message queued for client alice' }) message!: string;
  @ApiProperty({ enum: ['client', 'topic', 'all'] }) target_type!: 'client' | 'topic' | 'all';
  @ApiProperty({ type: String, nullable: true, description: 'The client id or topic; null for everyone' }) target!: string | null;
  @ApiProperty({ description: 'Recipients the message was queued for' }) queued!: number;
  @ApiProperty({ description: 'Recipients it was dropped for (queue full)' }) dropped!: number;
  @ApiProperty({ type: SendStatsDto }) stats!: SendStatsDto;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
