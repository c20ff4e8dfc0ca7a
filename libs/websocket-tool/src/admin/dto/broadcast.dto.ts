import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** Query of `POST /broadcast` (the original plugin's `admin_broadcast`). @publicApi */
export class BroadcastQueryDto {
  @ApiProperty({ description: 'Text every client gets as an admin_message', example: 'Maintenance at 18:00', maxLength: 10_000 })
  @IsString()
  @Length(1, 10_000)
  message!: string;

  @ApiPropertyOptional({ description: 'Level shown by the client (meta.level)', default: 'info', example: 'warning' })
  @IsOptional()
  @Matches(/^[a-z]{1,20}$/, { message: 'level must be one word of 1 to 20 lower-case letters, such as info or warning' })
  level?: string;
}

/** `POST /broadcast`: 200 once the admin_message is queued for everyone. @publicApi */
export class BroadcastResultDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: 'Broadcast sent' }) message!: string;
  @ApiProperty({ description: 'Recipients the message was queued for' }) queued!: number;
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
