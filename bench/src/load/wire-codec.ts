import { SEND_TIME_KEY } from '../shared/bench-protocol.constants.js';

/** How one `ws`-based target wants its frames. Payloads arrive as JSON text. */
export interface WireCodec {
  echo(payload: string): string;
  broadcast(payload: string): string;
  publish(payload: string): string;
  subscribe(topic: string): string;
  /** Bytes found only in a subscription acknowledgement. */
  readonly ackMarker: Buffer;
}

/** `{event, data}`: the raw `ws` servers and the Nest `@WebSocketGateway`. */
export const EVENT_DATA_CODEC: WireCodec = {
  echo: (p) => `{"event":"echo","data":${p}}`,
  broadcast: (p) => `{"event":"broadcast","data":${p}}`,
  publish: (p) => `{"event":"publish","data":${p}}`,
  subscribe: (topic) => `{"event":"subscribe","data":{"topic":"${topic}"}}`,
  ackMarker: Buffer.from('"event":"subscribed"'),
};

/** `{type, content}`: WebSocketTool's envelope and its `system.subscribe`. */
export const WEBSOCKET_TOOL_CODEC: WireCodec = {
  echo: (p) => `{"type":"echo","content":${p}}`,
  broadcast: (p) => `{"type":"bench.broadcast","content":${p}}`,
  publish: (p) => `{"type":"bench.publish","content":${p}}`,
  subscribe: (topic) => `{"type":"system.subscribe","content":{"topic":"${topic}"}}`,
  ackMarker: Buffer.from('"type":"system.subscribed"'),
};

const SEND_TIME_MARKER = Buffer.from(`"${SEND_TIME_KEY}":`);
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * The send time in a received frame, or -1 if it carries none. Scans the
 * bytes instead of parsing the JSON, so the load generator spends as little
 * as possible of the CPU it shares with the server.
 */
export function readSendTime(frame: Buffer): number {
  const at = frame.indexOf(SEND_TIME_MARKER);
  if (at < 0) return -1;
  let value = 0;
  let digits = 0;
  for (let i = at + SEND_TIME_MARKER.length; i < frame.length && digits < 16; i++, digits++) {
    const c = frame[i] as number;
    if (c < DIGIT_0 || c > DIGIT_9) break;
    value = value * 10 + (c - DIGIT_0);
  }
  return digits > 0 ? value : -1;
}
