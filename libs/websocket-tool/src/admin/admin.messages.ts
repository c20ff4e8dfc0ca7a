import { showValue } from '../config/config.messages.js';

/** Log, error and refusal texts of the admin API and page, each naming what is wrong and what to do. */

export const adminLocalOnlyMessage = (paths: string): string =>
  `The admin API and page (${paths}) answer only local requests (127.0.0.1, ::1). To open them to other machines set ` +
  'FP_WST_ADMIN_TOKEN (option adminToken) and send "Authorization: Bearer <token>", or give an adminGuard; ' +
  'FP_WST_ENABLE_ADMIN=false turns them off.';

export const adminLocalOnlyRefusedMessage = (): string =>
  'The WebSocketTool admin routes answer only local requests (from 127.0.0.1 or ::1, without proxy headers). ' +
  'To allow remote access, set FP_WST_ADMIN_TOKEN on the server and send "Authorization: Bearer <token>".';

export const adminUnauthorizedMessage = (): string =>
  'Admin token missing or wrong: send "Authorization: Bearer <token>" (or HTTP Basic with the token as password).';

export const adminCrossSiteMessage = (): string => "Admin requests made by another site's page are refused.";

export const adminTokenShortMessage = (length: number, min: number): string =>
  `The admin token (FP_WST_ADMIN_TOKEN / adminToken) is only ${length} characters long; use a random secret of at least ${min}.`;

export const adminGuardUnavailableMessage = (name: string, reason: string): string =>
  `The adminGuard ${name || 'class'} could not be created (${reason}). Register it as a provider the app can resolve, or pass an instance.`;

export const clientNotConnectedMessage = (clientId: string): string => `Client ${showValue(clientId)} is not connected.`;

export const sendQueueFullMessage = (dropped: number, queued: number): string =>
  `The outbound queue is full: the message was dropped for ${dropped} recipient(s) and queued for ${queued}. Retry later.`;

/** The original plugin's answer to a send when nobody is connected. */
export const noActiveConnectionsMessage = (): string => 'No active WebSocket connections';

export const broadcastQueueFullMessage = (): string => 'Failed to queue broadcast message';

export const sendTargetConflictMessage = (): string =>
  'Give one target: client_id (query or body, the same in both) or topic, or neither to send to everyone.';

export const invalidTopicMessage = (maxLength: number): string => `A topic is 1 to ${maxLength} characters of letters, digits and ._:@/-`;

export const topicWithoutHistoryMessage = (topic: string): string =>
  `Topic ${showValue(topic)} keeps no history: give it one with the topics option (e.g. { pattern: 'chat:*', history: { size, ttlSeconds } }).`;

export const historyUnavailableMessage = (topic: string): string =>
  `The history of topic ${showValue(topic)} could not be read now (in cluster mode: Redis did not answer). Retry later.`;

export const topicWithoutPresenceMessage = (topic: string): string =>
  `Topic ${showValue(topic)} has no presence: give it one with the topics option (e.g. { pattern: 'room:*', presence: { events: true } }).`;

export const presenceUnavailableMessage = (topic: string): string =>
  `The presence of topic ${showValue(topic)} could not be read now (in cluster mode: Redis did not answer). Retry later.`;
