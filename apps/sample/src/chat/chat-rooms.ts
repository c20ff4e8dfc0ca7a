import type { WebSocketToolModuleOptions } from '@websocket-tool/nestjs';

/**
 * The page's chat rooms are the topics `room:<name>`; each keeps its last 200
 * messages for 5 minutes, so a page that reconnects gets what it missed (or
 * is told that it may have missed some). Each has presence: the page asks who
 * is in a room it joins (`room.members`) and, having asked for them when it
 * subscribed (`joinLeave`), hears who joins and leaves. Other subscribers (a
 * bot, a dashboard) do not pay for events they do not show.
 */
export const CHAT_ROOM_TOPICS: NonNullable<WebSocketToolModuleOptions['topics']> = [
  { pattern: 'room:*', history: { size: 200, ttlSeconds: 300 }, presence: { events: 'on-request' } },
];

/** Chat rooms are the topics with this prefix. */
export const ROOM_TOPIC_PREFIX = 'room:';
