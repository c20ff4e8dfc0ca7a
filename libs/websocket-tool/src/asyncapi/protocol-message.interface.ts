/** A JSON schema, as the protocol document carries it. */
export type JsonSchema = Record<string, unknown>;

/**
 * One message of the protocol, as the document lists it. `toServer`
 * messages are sent by clients, `toClient` messages by the server.
 */
export interface ProtocolMessage {
  type: string;
  direction: 'toServer' | 'toClient';
  /** Schema of `content`; `{}` is any JSON. */
  content: JsonSchema;
  /** Schema of `meta`, when the message's meta has known fields. */
  meta?: JsonSchema;
  /** True when the message must carry a `content`. */
  contentRequired?: boolean;
  description?: string;
  example?: unknown;
  /** For a `toServer` message: the type of the `toClient` message that answers it (same `meta.id`). */
  reply?: string;
  /** Where it was declared, or `library` (for messages naming a conflict and the admin view). */
  source: string;
}
