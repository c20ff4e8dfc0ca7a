import type { HandlerEntry, EmitEntry } from '../messaging/discovery/ws-handler-registry.js';
import type { WsMessageDeclaration } from '../messaging/discovery/ws-message-declaration.interface.js';
import { conflictingDeclarationMessage } from './asyncapi.messages.js';
import { DtoSchemas } from './dto-schemas.js';
import type { JsonSchema, ProtocolMessage } from './protocol-message.interface.js';
import { closeCodeList, ERROR_CODE_DOCS, SYSTEM_MESSAGES, TASK_MESSAGES } from './system-message-docs.js';

/** What the document is built from. */
export interface ProtocolSources {
  /** The WebSocket path (`path` setting). */
  path: string;
  title: string;
  version: string;
  handlers: Iterable<HandlerEntry>;
  emits: Iterable<EmitEntry>;
}

/** The AsyncAPI 3.0 document of the protocol, and its messages as a list. */
export interface ProtocolDocument {
  document: Record<string, unknown>;
  messages: ProtocolMessage[];
  /** Declarations of one message that disagree (the first is in the document). */
  conflicts: string[];
}

const CHANNEL = 'websocket';
const KEY_PREFIX = { toServer: 'client', toClient: 'server' } as const;

/** A component key (letters, digits, `.`, `-`, `_`) for a message of one direction. */
export const messageKey = (message: Pick<ProtocolMessage, 'type' | 'direction'>): string =>
  `${KEY_PREFIX[message.direction]}.${message.type.replace(/[^A-Za-z0-9._-]/g, '_')}`;

/** The app's messages: each handler's inbound type and reply, and every declared `emits`. */
export function appMessages(sources: Pick<ProtocolSources, 'handlers' | 'emits'>, schemas: DtoSchemas): ProtocolMessage[] {
  const content = (dto: WsMessageDeclaration['dto']): JsonSchema => (dto ? schemas.ref(dto) : {});
  const messages: ProtocolMessage[] = [];
  for (const h of sources.handlers) {
    const reply = h.docs?.reply;
    const replyType = reply ? (reply.type ?? h.type) : undefined;
    messages.push({
      type: h.type,
      direction: 'toServer',
      content: content(h.dto ?? undefined),
      contentRequired: h.dto !== null,
      description: h.docs?.description,
      example: h.docs?.example,
      reply: replyType,
      source: h.where,
    });
    if (reply && replyType !== undefined) {
      const meta = { type: 'object', properties: { id: { type: ['string', 'number'] } } };
      messages.push({ type: replyType, direction: 'toClient', content: content(reply.dto), meta, ...docs(reply), source: h.where });
    }
  }
  for (const { where, declaration } of sources.emits) {
    messages.push({
      type: declaration.type,
      direction: 'toClient',
      content: content(declaration.dto),
      ...(declaration.meta ? { meta: schemas.ref(declaration.meta) } : {}),
      ...docs(declaration),
      source: where,
    });
  }
  return messages;
}

const docs = (d: { description?: string; example?: unknown }) => ({ description: d.description, example: d.example });

/** What two declarations of one message must agree on. */
const shape = (m: ProtocolMessage): string => JSON.stringify([m.content, m.meta ?? null]);

/**
 * One message per type and direction: the first declaration wins, as in the
 * order above. A later one with another content or meta is reported.
 */
function unique(messages: ProtocolMessage[], conflicts: string[]): ProtocolMessage[] {
  const byKey = new Map<string, ProtocolMessage>();
  for (const m of messages) {
    const first = byKey.get(messageKey(m));
    if (!first) byKey.set(messageKey(m), m);
    else if (shape(first) !== shape(m)) conflicts.push(conflictingDeclarationMessage(m.type, first.source, m.source));
  }
  return [...byKey.values()];
}

function envelope(m: ProtocolMessage): JsonSchema {
  const outbound = m.direction === 'toClient';
  return {
    type: 'object',
    required: outbound ? ['type', 'content', 'meta', 'timestamp'] : m.contentRequired ? ['type', 'content'] : ['type'],
    properties: {
      type: { type: 'string', const: m.type },
      content: m.content,
      meta: m.meta ?? { type: 'object' },
      ...(outbound ? { timestamp: { type: 'string', format: 'date-time' } } : {}),
    },
  };
}

function component(m: ProtocolMessage): Record<string, unknown> {
  const sender = m.direction === 'toServer' ? 'client → server' : 'server → client';
  return {
    name: m.type,
    title: m.type,
    summary: `${sender}${m.source === 'library' ? '' : ` (${m.source})`}`,
    ...(m.description ? { description: m.description } : {}),
    contentType: 'application/json',
    payload: envelope(m),
    ...(m.example !== undefined ? { examples: [{ name: 'example', payload: { type: m.type, content: m.example } }] } : {}),
  };
}

const INTRO = [
  'Every frame is a JSON text frame, both ways: `{"type", "content", "meta", "timestamp"}`.',
  'A message with `meta.id` gets its reply, `system.error` or `system.rate_limited` with the same `meta.id`.',
  'Types starting with `system.` belong to the library.',
].join('\n');

const codesText = (): string =>
  [
    '\n\nClose codes:',
    ...closeCodeList().map((c) => `\n- ${c.code} \`${c.reason}\`${c.reconnect ? '' : ' (do not reconnect)'}: ${c.description}`),
    '\n\nError codes (`system.error` `meta.code`):',
    ...Object.entries(ERROR_CODE_DOCS).map(([code, text]) => `\n- \`${code}\`: ${text}`),
  ].join('');

/** Builds the AsyncAPI 3.0 document of the protocol from the handlers, the declared messages and the library's own. */
export function buildProtocolDocument(sources: ProtocolSources): ProtocolDocument {
  const schemas = new DtoSchemas();
  const conflicts: string[] = [];
  const messages = unique([...appMessages(sources, schemas), ...SYSTEM_MESSAGES, ...TASK_MESSAGES], conflicts);
  const ref = (m: ProtocolMessage) => ({ $ref: `#/channels/${CHANNEL}/messages/${messageKey(m)}` });
  const keyed = new Map(messages.map((m) => [messageKey(m), m]));
  const replyOf = (m: ProtocolMessage) =>
    m.reply === undefined ? undefined : keyed.get(messageKey({ type: m.reply, direction: 'toClient' }));
  const repliesOnly = new Set(messages.filter((m) => m.direction === 'toServer').map((m) => replyOf(m)));
  const operations: Record<string, unknown> = {};
  for (const m of messages) {
    if (m.direction === 'toClient' && repliesOnly.has(m)) continue;
    const reply = replyOf(m);
    operations[messageKey(m)] = {
      action: m.direction === 'toServer' ? 'receive' : 'send',
      channel: { $ref: `#/channels/${CHANNEL}` },
      summary: m.direction === 'toServer' ? `Clients send ${m.type}` : `The server sends ${m.type}`,
      ...(m.description ? { description: m.description } : {}),
      messages: [ref(m)],
      ...(reply ? { reply: { channel: { $ref: `#/channels/${CHANNEL}` }, messages: [ref(reply)] } } : {}),
    };
  }
  const document = {
    asyncapi: '3.0.0',
    info: { title: sources.title, version: sources.version, description: INTRO + codesText() },
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL]: {
        address: sources.path,
        title: 'WebSocket',
        description: `Connect to \`${sources.path}\` (anonymous) or \`${sources.path}/<clientId>\` (named).`,
        messages: Object.fromEntries(messages.map((m) => [messageKey(m), { $ref: `#/components/messages/${messageKey(m)}` }])),
        'x-websocket-tool-close-codes': closeCodeList().map(({ code, reason, reconnect, description }) => ({
          code,
          reason,
          reconnect,
          description,
        })),
      },
    },
    operations,
    components: {
      messages: Object.fromEntries(messages.map((m) => [messageKey(m), component(m)])),
      schemas: schemas.used,
    },
  };
  return { document, messages, conflicts };
}
