import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { WsLifecycleEvent } from '@websocket-tool/nestjs';

/**
 * Follows the chat rooms' lifecycle events (`@nestjs/event-emitter`): a room
 * that gets its first member anywhere in the cluster, and one left empty
 * (also when the instance holding its last members died). A real app would
 * start or stop the room's work here.
 */
@Injectable()
export class RoomEvents {
  private readonly logger = new Logger('Rooms');

  @OnEvent(WsLifecycleEvent.TopicOccupied)
  occupied({ topic }: { topic: string }): void {
    if (topic.startsWith('room:')) this.logger.log(`room opened: ${JSON.stringify(topic)}`);
  }

  @OnEvent(WsLifecycleEvent.TopicVacated)
  vacated({ topic }: { topic: string }): void {
    if (topic.startsWith('room:')) this.logger.log(`room empty: ${JSON.stringify(topic)}`);
  }
}
