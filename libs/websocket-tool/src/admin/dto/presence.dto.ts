import { ApiProperty } from '../api-docs.decorators.js';
import type { PresenceMember, PresenceStats } from '../../cluster/topic-presence/presence-member.js';

/** One member of a topic with presence. @publicApi */
export class PresenceMemberDto implements PresenceMember {
  @ApiProperty({ example: 'c-7f3a' }) clientId!: string;
  @ApiProperty({ type: String, nullable: true, description: "The identity's userId; null without a user", example: 'u-42' })
  userId!: string | null;
  @ApiProperty({ description: 'What the app attached (presenceInfo); render it as text', example: { name: 'Alice' } })
  info!: Record<string, unknown>;
  @ApiProperty({ description: 'The node holding the connection (local on a single node)', example: 'web-1' }) node!: string;
  @ApiProperty({ description: 'Epoch milliseconds' }) joinedAt!: number;
}

/** Counts of a topic with presence. @publicApi */
export class PresenceStatsDto implements PresenceStats {
  @ApiProperty({ description: 'Members (connections)', example: 3 }) clients!: number;
  @ApiProperty({ description: 'Distinct users among them', example: 2 }) users!: number;
}

/** `GET /ws/topics/{topic}/presence`. @publicApi */
export class TopicPresenceResponseDto {
  @ApiProperty({ example: 'room:lobby' }) topic!: string;
  @ApiProperty({ type: PresenceStatsDto }) stats!: PresenceStatsDto;
  @ApiProperty({ type: [PresenceMemberDto], description: 'Every member, on every node; sorted by join time' })
  members!: PresenceMemberDto[];
  @ApiProperty({ description: 'Epoch seconds' }) timestamp!: number;
}
