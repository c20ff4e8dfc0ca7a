/// <reference lib="es2023.array" />
/** A JSON schema as an AsyncAPI document carries it. */
export type Schema = Record<string, unknown>;

/** One message of the protocol: who sends it, and the schemas of its content and meta. */
export interface ModelMessage {
  type: string;
  direction: 'toServer' | 'toClient';
  content: Schema;
  /** True when the sender must give a content. */
  contentRequired: boolean;
  meta: Schema | null;
  description: string | null;
  /** For a `toServer` message: the type of the message that answers it. */
  reply: string | null;
}

/** What the generator reads of an AsyncAPI document: the messages and the named schemas they use. */
export interface ProtocolModel {
  messages: ModelMessage[];
  schemas: Record<string, Schema>;
}

type Ref = { $ref: string };
interface Operation {
  action?: string;
  messages?: Ref[];
  reply?: { messages?: Ref[] };
}
interface Message {
  name?: string;
  description?: string;
  payload?: { required?: string[]; properties?: { type?: { const?: string }; content?: Schema; meta?: Schema } };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Follows a local `$ref` (`#/a/b`) in the document. */
function resolve(doc: Record<string, unknown>, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported, not ${ref}`);
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/')) {
    node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (node === undefined) throw new Error(`the reference ${ref} points nowhere`);
  }
  return isObject(node) && typeof node.$ref === 'string' ? resolve(doc, node.$ref) : node;
}

/**
 * Reads the messages of an AsyncAPI 3.0 document of a WebSocketTool server:
 * `receive` operations are what clients send, `send` operations and replies
 * what the server sends. The wire type is the message's payload `type` const
 * (or its `name`).
 *
 * @throws Error naming what is missing when the document is not AsyncAPI 3.x.
 */
export function readProtocol(doc: unknown): ProtocolModel {
  if (!isObject(doc) || typeof doc.asyncapi !== 'string' || !doc.asyncapi.startsWith('3.')) {
    throw new Error('not an AsyncAPI 3.x document (its "asyncapi" field is missing or not 3.x)');
  }
  const byKey = new Map<string, ModelMessage>();
  const add = (ref: Ref, direction: ModelMessage['direction']): ModelMessage => {
    const message = resolve(doc, ref.$ref) as Message;
    const properties = message.payload?.properties ?? {};
    const type = properties.type?.const ?? message.name;
    if (typeof type !== 'string') throw new Error(`the message ${ref.$ref} has no type (payload.properties.type.const or name)`);
    const key = `${direction} ${type}`;
    const known = byKey.get(key);
    if (known) return known;
    const entry: ModelMessage = {
      type,
      direction,
      content: properties.content ?? {},
      contentRequired: message.payload?.required?.includes('content') ?? false,
      meta: properties.meta && (properties.meta.$ref || Object.keys(properties.meta.properties ?? {}).length > 0) ? properties.meta : null,
      description: message.description ?? null,
      reply: null,
    };
    byKey.set(key, entry);
    return entry;
  };
  const operations = isObject(doc.operations) ? (doc.operations as Record<string, Operation>) : {};
  for (const op of Object.values(operations)) {
    const direction = op.action === 'receive' ? 'toServer' : 'toClient';
    for (const ref of op.messages ?? []) {
      const message = add(ref, direction);
      const reply = op.reply?.messages?.[0];
      if (reply && direction === 'toServer') message.reply = add(reply, 'toClient').type;
    }
  }
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? (components.schemas as Record<string, Schema>) : {};
  const order = (m: ModelMessage) => `${m.direction} ${m.type}`;
  return { messages: [...byKey.values()].toSorted((a, b) => (order(a) < order(b) ? -1 : 1)), schemas };
}
