import type { StampableFrame } from '../cluster/history/cluster-history.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { isoNow, serializeEnvelope } from '../protocol/serialize-envelope.js';

/**
 * Serializes a message for a topic with history whose offset and epoch are
 * assigned elsewhere (in cluster mode, by Redis): the frame is
 * `head + offset + mid + epoch + tail`, with `meta` ending in
 * `"topic", "offset", "epoch"` exactly as a single node stamps it (any
 * `topic/offset/epoch` of the message's own `meta` is replaced). Null when
 * the message cannot be serialized.
 */
export function stampableFrame(topic: string, message: WsOutboundMessage): StampableFrame | null {
  const { topic: _topic, offset: _offset, epoch: _epoch, ...meta } = message.meta ?? {};
  const timestamp = isoNow();
  let json: string;
  try {
    json = serializeEnvelope({ ...message, meta: { ...meta, topic } }, timestamp);
  } catch {
    return null;
  }
  const end = `},"timestamp":${JSON.stringify(timestamp)}}`;
  if (!json.endsWith(end)) return null;
  return { head: `${json.slice(0, -end.length)},"offset":`, mid: ',"epoch":"', tail: `"${end}` };
}
