/**
 * What travels between nodes: one Redis message is a JSON header line, a
 * newline, then the body. For client messages the body is the envelope as
 * serialized once by the publishing node, so every node sends the same bytes
 * and nothing is parsed or serialized again on the way.
 *
 * Header kinds: `b` broadcast, `t` topic, `h` a topic message stamped
 * with its offset `n`, epoch `e` and, when acknowledged, ack id `a` (sent by Redis itself, see `HISTORY_PUBLISH_SCRIPT`), `c` one client, `u` every connection of one user, `pj`/`pl` a member
 * joined/left topic `t` (the member's JSON as body, see `topic-presence/`), `j`/`l` a client
 * joined/left a node, `s` a node rewrote its presence (reload it), `y` a node
 * left the cluster, `q`/`r` a request to the nodes and its reply, `m` a message was kept in the offline
 * mailbox of a client (published by the keeping script).
 *
 * @internal
 */
export type WireHeader =
  | { k: 'b'; o: string; x?: string[] }
  | { k: 't'; o: string; t: string }
  | { k: 'h'; o: string; t: string; n: number; e: string; a?: string }
  | { k: 'c'; o: string; c: string }
  | { k: 'u'; o: string; u: string }
  | { k: 'pj' | 'pl'; o: string; t: string }
  | { k: 'j'; o: string; c: string; s: number; at: number; n: boolean }
  | { k: 'l'; o: string; c: string }
  | { k: 's'; o: string; s: number }
  | { k: 'y'; o: string }
  | { k: 'q'; o: string; id: string; op: string }
  | { k: 'r'; o: string; id: string; ok: boolean; e?: string }
  | { k: 'm'; o: string; c: string };

/** A decoded wire message. @internal */
export interface WireMessage {
  header: WireHeader;
  body: string;
}

/** Joins a header and a body into one Redis message. @internal */
export function encodeWire(header: WireHeader, body = ''): string {
  return JSON.stringify(header) + '\n' + body;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Reads a Redis message; null when it is not one of ours (another program on the channel, a newer version). @internal */
export function decodeWire(message: string): WireMessage | null {
  const newline = message.indexOf('\n');
  if (newline <= 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(message.slice(0, newline));
  } catch {
    return null;
  }
  if (!isValidHeader(header)) return null;
  return { header, body: message.slice(newline + 1) };
}

function isValidHeader(h: unknown): h is WireHeader {
  if (h === null || typeof h !== 'object') return false;
  const r = h as Record<string, unknown>;
  if (!isString(r.o) || r.o.length === 0) return false;
  switch (r.k) {
    case 'b':
      return r.x === undefined || (Array.isArray(r.x) && r.x.every(isString));
    case 't':
    case 'pj':
    case 'pl':
      return isString(r.t);
    case 'h':
      return isString(r.t) && typeof r.n === 'number' && isString(r.e) && (r.a === undefined || isString(r.a));
    case 'u':
      return isString(r.u);
    case 'c':
    case 'l':
    case 'm':
      return isString(r.c);
    case 'j':
      return isString(r.c) && typeof r.s === 'number' && typeof r.at === 'number' && typeof r.n === 'boolean';
    case 's':
      return typeof r.s === 'number';
    case 'y':
      return true;
    case 'q':
      return isString(r.id) && isString(r.op);
    case 'r':
      return isString(r.id) && typeof r.ok === 'boolean' && (r.e === undefined || isString(r.e));
    default:
      return false;
  }
}
