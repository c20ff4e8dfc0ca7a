/**
 * One member of a topic with presence: a connection subscribed to it.
 *
 * @publicApi
 */
export interface PresenceMember {
  /** The connection's client id: a user with three tabs is three members. */
  clientId: string;
  /** The identity's `userId` (the JWT `sub`), or null for a connection without a user. */
  userId: string | null;
  /** What the app attached with `presenceInfo` (an empty object without it). */
  info: Record<string, unknown>;
  /** The instance the connection is held by (the cluster node id; `local` on a single node). */
  node: string;
  /** When it joined the topic, epoch milliseconds. */
  joinedAt: number;
}

/**
 * How many are in a topic with presence.
 *
 * @publicApi
 */
export interface PresenceStats {
  /** Members: connections subscribed to the topic. */
  clients: number;
  /** Distinct users among them (connections without a user are not counted). */
  users: number;
}

/** Reads a member as stored or sent between nodes; null when it is not one. @internal */
export function parsePresenceMember(json: string): PresenceMember | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  if (typeof m.clientId !== 'string' || typeof m.node !== 'string' || typeof m.joinedAt !== 'number') return null;
  if (m.userId !== null && typeof m.userId !== 'string') return null;
  const info = m.info !== null && typeof m.info === 'object' && !Array.isArray(m.info) ? (m.info as Record<string, unknown>) : {};
  return { clientId: m.clientId, userId: m.userId, info, node: m.node, joinedAt: m.joinedAt };
}
