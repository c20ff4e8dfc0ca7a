import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';

/** What a chat message carries. */
export class ChatMessageDto {
  @IsString()
  @MaxLength(2000)
  text!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}

/** A chat message as everyone (or the room) gets it: the sender's name is always there. */
export class ChatBroadcastDto {
  @IsString()
  @MaxLength(2000)
  text!: string;

  @IsString()
  @MaxLength(128)
  name!: string;
}

/** The answer to `chat.message`: how many clients it was queued for. */
export class ChatSentDto {
  @IsInt()
  @Min(0)
  delivered_to!: number;

  @IsInt()
  @Min(0)
  dropped!: number;
}

/** The `meta` of a chat line: who sent it and, for a room, its topic. */
export class ChatBroadcastMetaDto {
  @IsString()
  from!: string;

  @IsOptional()
  @IsString()
  topic?: string;
}

/** Which room's members to list. */
export class RoomMembersDto {
  @IsString()
  @MaxLength(200)
  @Matches(/^room:/)
  topic!: string;
}

/** How many are in a room: its connections and its distinct users. */
export class RoomStatsDto {
  @IsInt()
  @Min(0)
  clients!: number;

  @IsInt()
  @Min(0)
  users!: number;
}

/** The answer to `room.members`: the room's client ids and counts. */
export class RoomMembersReplyDto {
  @IsString()
  topic!: string;

  @IsArray()
  @IsString({ each: true })
  clients!: string[];

  @ValidateNested()
  @Type(() => RoomStatsDto)
  stats!: RoomStatsDto;
}
