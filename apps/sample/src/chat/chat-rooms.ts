import type { WebSocketToolModuleOptions } from '@websocket-tool/nestjs';

/**
 * The page's chat rooms are the topics `room:<name>`; each keeps its last 200
 * messages for 5 minutes, so a page that reconnects gets what it missed (or
 * is told that it may have missed some).
 */
export const CHAT_ROOM_TOPICS: NonNullable<WebSocketToolModuleOptions['topics']> = [
  { pattern: 'room:*', history: { size: 200, ttlSeconds: 300 } },
];
