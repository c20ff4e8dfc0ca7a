import { TaskMessageType } from '../task-monitor/task-message-types.js';
import { CloseCode, type CloseCodeName } from '../protocol/close-codes.js';
import { WsErrorCode } from '../protocol/error-codes.js';
import { ClientReplyErrorCode, LEGACY_PONG_TYPE, SystemMessageType } from '../protocol/message-types.js';
import type { JsonSchema, ProtocolMessage } from './protocol-message.interface.js';

const str: JsonSchema = { type: 'string' };
const int: JsonSchema = { type: 'integer', minimum: 0 };
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const correlation: JsonSchema = { type: ['string', 'number'], description: 'The `meta.id` of the message this answers.' };
const topic = obj({ topic: str }, ['topic']);
const position = obj({ offset: int, epoch: str }, ['offset', 'epoch']);
const member = obj({ clientId: str, userId: { type: ['string', 'null'] }, info: { type: 'object' }, node: str, joinedAt: int }, [
  'clientId',
  'userId',
  'info',
  'node',
  'joinedAt',
]);
const expiresAt: JsonSchema = { type: ['number', 'null'], description: 'Epoch seconds; null for a token without `exp`.' };

/** What each `system.error` code means (`meta.code`); the connection stays open after each. */
export const ERROR_CODE_DOCS: Record<WsErrorCode, string> = {
  [WsErrorCode.InvalidJson]: 'The text frame is not valid JSON.',
  [WsErrorCode.InvalidMessage]: 'Not an object with a string `type`, `meta` not an object, or nested too deep.',
  [WsErrorCode.UnknownType]: 'No handler for the type; `meta.original_type` names it.',
  [WsErrorCode.ValidationFailed]: "The content failed the handler's DTO; `meta.errors` lists why.",
  [WsErrorCode.HandlerError]: 'The handler threw, or returned something that cannot be sent as JSON.',
  [WsErrorCode.HandlerTimeout]: 'The handler did not finish within `handlerTimeout`.',
  [WsErrorCode.Forbidden]: 'A guard refused the message.',
  [WsErrorCode.UnsupportedBinary]: 'A binary frame arrived; the protocol is JSON text only.',
  [WsErrorCode.InvalidTopic]: 'A topic name is missing, too long, or has characters outside the allowed set.',
  [WsErrorCode.TooManyTopics]: 'The connection already holds `maxTopicsPerClient` subscriptions.',
  [WsErrorCode.RefreshRefused]:
    "A `system.refresh` without a valid token, with another user's token, or on a server without authentication; the old expiry stands.",
};

/** When the server closes with each code. */
export const CLOSE_CODE_DOCS: Record<CloseCodeName, string> = {
  Normal: 'The client closed the connection, or a normal close.',
  Shutdown: 'The server is shutting down; reconnect to another instance.',
  PolicyViolation: 'Refused by a handshake check after the WebSocket was accepted.',
  RateLimited: 'Too many consecutive rate-limit violations.',
  MessageTooBig: 'A frame was larger than `maxPayloadBytes`.',
  InternalError: 'An unexpected server error.',
  ServerDisconnect: 'Closed by the server on request (admin API).',
  HeartbeatTimeout: 'No pong or other traffic within `heartbeatTimeout`.',
  SendError: '`maxClientErrors` consecutive send failures.',
  SlowConsumer: 'The client did not read fast enough and its outbound queue overflowed.',
  TokenExpired: 'The token the connection was authenticated with expired and no `system.refresh` replaced it; reconnect with a new token.',
  DuplicateClient: 'Another connection took over this named client id; do not reconnect.',
};

/** The close codes with their reason text, reconnect advice and meaning. */
export const closeCodeList = () =>
  (Object.keys(CloseCode) as CloseCodeName[]).map((name) => ({ name, ...CloseCode[name], description: CLOSE_CODE_DOCS[name] }));

const sys = (message: Omit<ProtocolMessage, 'source'>): ProtocolMessage => ({ ...message, source: 'library' });

/**
 * The `system.*` messages, in both directions, as the library sends and
 * understands them (see docs/protocol.md).
 */
export const SYSTEM_MESSAGES: readonly ProtocolMessage[] = [
  sys({
    type: SystemMessageType.ClientConnected,
    direction: 'toClient',
    content: str,
    meta: obj({ event: { const: 'connected' }, client_id: str }, ['event', 'client_id']),
    description: 'The first message of every connection, with the client id the server gave or accepted.',
    example: 'Welcome alice!',
  }),
  sys({
    type: SystemMessageType.Ping,
    direction: 'toClient',
    content: str,
    meta: obj({ ping_id: str, timestamp: { type: 'number' } }, ['ping_id']),
    description: 'Sent every `heartbeatInterval`; answer with `system.pong` echoing `meta.ping_id`.',
    example: 'ping',
  }),
  sys({
    type: SystemMessageType.Pong,
    direction: 'toServer',
    content: {},
    meta: obj({ ping_id: str }),
    description: 'The answer to a `system.ping`; records the last pong.',
  }),
  sys({
    type: LEGACY_PONG_TYPE,
    direction: 'toServer',
    content: {},
    meta: obj({ ping_id: str }),
    description: 'Accepted like `system.pong`, for clients written for the original plugin.',
  }),
  sys({
    type: SystemMessageType.Ping,
    direction: 'toServer',
    content: {},
    meta: obj({ ping_id: str }),
    description: 'A round-trip measurement: the server answers `system.pong` at once.',
    reply: SystemMessageType.Pong,
  }),
  sys({
    type: SystemMessageType.Pong,
    direction: 'toClient',
    content: str,
    meta: obj({ ping_id: str, id: correlation }),
    description: "The answer to a client's `system.ping`.",
  }),
  sys({
    type: SystemMessageType.Heartbeat,
    direction: 'toServer',
    content: {},
    description: 'A sign of life from the client, with no answer.',
  }),
  sys({
    type: SystemMessageType.Subscribe,
    direction: 'toServer',
    content: { oneOf: [str, obj({ topic: str, since: position, delta: { type: 'boolean' }, join_leave: { type: 'boolean' } }, ['topic'])] },
    contentRequired: true,
    description:
      'Subscribes to a topic; with `since`, recovers what was missed since that position; with `delta`, asks for `system.delta` messages on a topic with deltas; with `join_leave`, for its joins and leaves when its presence events are on request.',
    example: { topic: 'room:lobby' },
    reply: SystemMessageType.Subscribed,
  }),
  sys({
    type: SystemMessageType.Subscribed,
    direction: 'toClient',
    content: obj({ topic: str, offset: int, epoch: str, recovered: { type: 'boolean' }, replayed: int, delta: { type: 'boolean' } }, [
      'topic',
    ]),
    meta: obj({ id: correlation }),
    description:
      'The subscription holds; on a topic with history also its position, after `since` whether it recovered, and `delta: true` when deltas follow.',
  }),
  sys({
    type: SystemMessageType.Unsubscribe,
    direction: 'toServer',
    content: { oneOf: [str, topic] },
    contentRequired: true,
    description: 'Ends a subscription.',
    example: { topic: 'room:lobby' },
    reply: SystemMessageType.Unsubscribed,
  }),
  sys({
    type: SystemMessageType.Unsubscribed,
    direction: 'toClient',
    content: obj({ topic: str, was_subscribed: { type: 'boolean' }, reason: { type: 'string', enum: ['insufficient_state'] } }, [
      'topic',
      'was_subscribed',
    ]),
    meta: obj({ id: correlation }),
    description:
      'The subscription has ended: the answer to `system.unsubscribe` (with its `meta.id`), or, without `meta.id` and with `reason: insufficient_state`, ended by the server in cluster mode because it missed messages of a topic with history while its Redis link was down. Subscribe again with `since` (the last position seen) to get exactly what was missed, or `recovered: false`; nothing newer was sent before this message.',
  }),
  sys({
    type: SystemMessageType.TopicGap,
    direction: 'toClient',
    content: obj({ topic: str, reason: { type: 'string', enum: ['link_lost'] } }, ['topic', 'reason']),
    description:
      "Cluster mode, to the subscribers of a topic without history: the server's Redis link was down for a while, and messages published meanwhile may have been lost; they cannot be recovered.",
  }),
  sys({
    type: SystemMessageType.Mailbox,
    direction: 'toClient',
    content: obj({ delivered: int, dropped: int }, ['delivered', 'dropped']),
    description: 'Right after the welcome of a named client whose offline mailbox kept something; the kept messages follow.',
  }),
  sys({
    type: SystemMessageType.PresenceJoin,
    direction: 'toClient',
    content: obj({ topic: str, member }, ['topic', 'member']),
    description: 'A connection subscribed to a topic with presence events, on any node; the member itself is not told.',
  }),
  sys({
    type: SystemMessageType.PresenceLeave,
    direction: 'toClient',
    content: obj({ topic: str, member }, ['topic', 'member']),
    description: 'A member of a topic with presence events unsubscribed, disconnected, or its node stopped.',
  }),
  sys({
    type: SystemMessageType.TokenExpiring,
    direction: 'toClient',
    content: obj({ expires_at: expiresAt }, ['expires_at']),
    description: "The connection's token expires within `tokenExpiryNotice`: send `system.refresh` with a new one.",
  }),
  sys({
    type: SystemMessageType.Refresh,
    direction: 'toServer',
    content: obj({ token: str }, ['token']),
    contentRequired: true,
    description: 'A new token for this connection, checked like the first one; the same user is required.',
    reply: SystemMessageType.Refreshed,
  }),
  sys({
    type: SystemMessageType.Refreshed,
    direction: 'toClient',
    content: obj({ expires_at: expiresAt }, ['expires_at']),
    meta: obj({ id: correlation }),
    description: 'The refresh was accepted: the connection now expires with the new token.',
  }),
  sys({
    type: SystemMessageType.Ack,
    direction: 'toServer',
    content: {},
    meta: obj({ ack_id: str }, ['ack_id']),
    description: 'The client received the message whose `meta.ack_id` it echoes (an acknowledged send); sent by the client SDK.',
  }),
  sys({
    type: SystemMessageType.Reply,
    direction: 'toServer',
    content: {},
    meta: obj(
      {
        request_id: str,
        error: obj({ code: { type: 'string', enum: Object.values(ClientReplyErrorCode) }, message: str }, ['code']),
      },
      ['request_id'],
    ),
    description:
      "The client's answer to a server request (a message with `meta.request_id`): the content is what its `handle()` handler returned; `meta.error` when it failed.",
  }),
  sys({
    type: SystemMessageType.Delta,
    direction: 'toClient',
    content: str,
    meta: obj({ topic: str }, ['topic']),
    description:
      "A message of a topic with deltas, to a subscriber that asked for them: the content is a fossil delta of the message's JSON text against the topic's previous one.",
  }),
  sys({
    type: SystemMessageType.DeltaReset,
    direction: 'toServer',
    content: topic,
    contentRequired: true,
    description: "A delta could not be rebuilt: the server answers with the topic's last message in full.",
  }),
  sys({
    type: SystemMessageType.RateLimited,
    direction: 'toClient',
    content: str,
    meta: obj(
      { id: correlation, retry_after: { type: 'number' }, limit: int, window: { type: 'number' }, remaining: int, violations: int },
      ['retry_after'],
    ),
    description: 'The message was refused by the rate limit; retry after `meta.retry_after` seconds.',
  }),
  sys({
    type: SystemMessageType.Error,
    direction: 'toClient',
    content: str,
    meta: obj(
      {
        code: { type: 'string', enum: Object.values(WsErrorCode) },
        id: correlation,
        original_type: str,
        errors: { type: 'array', items: str },
      },
      ['code'],
    ),
    description: 'A message could not be handled; `meta.code` says why and the connection stays open.',
  }),
];

const taskMeta = (extra: Record<string, JsonSchema>, required: string[] = []): JsonSchema =>
  obj({ task_id: str, seq: int, ...extra }, ['task_id', ...required]);

/**
 * The task monitor's events (`TaskMonitor`), sent to the task's topic
 * `task:<id>` and its owner.
 */
export const TASK_MESSAGES: readonly ProtocolMessage[] = [
  sys({
    type: TaskMessageType.Started,
    direction: 'toClient',
    content: str,
    meta: taskMeta({ event: { const: 'task_started' }, name: str }),
    description: "A task started; the content is the task's name.",
  }),
  sys({
    type: TaskMessageType.Progress,
    direction: 'toClient',
    content: { type: ['string', 'null'] },
    meta: taskMeta({ event: { const: 'task_progress' }, percent: { type: 'number', minimum: 0, maximum: 100 } }, ['percent']),
    description: "A task's progress, with an optional message as the content.",
  }),
  sys({
    type: TaskMessageType.Logs,
    direction: 'toClient',
    content: str,
    meta: taskMeta({ level: { type: 'string', enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] } }, ['level']),
    description: "One line of a task's log.",
  }),
  sys({
    type: TaskMessageType.Success,
    direction: 'toClient',
    content: str,
    meta: taskMeta({ event: str, result: {} }),
    description: 'A task succeeded; `meta.result` carries its result when it had one.',
  }),
  sys({
    type: TaskMessageType.Failed,
    direction: 'toClient',
    content: str,
    meta: taskMeta({ event: { const: 'task_failed' }, error: str }, ['error']),
    description: "A task failed; the content and `meta.error` carry the error's message.",
  }),
];
