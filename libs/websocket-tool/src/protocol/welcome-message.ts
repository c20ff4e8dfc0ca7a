import { SystemMessageType } from './message-types.js';

const HEAD = `{"type":${JSON.stringify(SystemMessageType.ClientConnected)},"content":`;

/**
 * The `system.client_connected` envelope every client gets first, as JSON:
 * the same text `serializeEnvelope` makes of it, written out directly because
 * it is built once per handshake and nothing else there costs as much.
 */
export function welcomeMessageJson(clientId: string, timestamp: string, topics: readonly string[] = []): string {
  const id = JSON.stringify(clientId);
  return (
    HEAD +
    JSON.stringify(`Welcome ${clientId}!`) +
    ',"meta":{"event":"connected","client_id":' +
    id +
    // The topics it was subscribed to from its identity, before this message.
    (topics.length > 0 ? ',"topics":' + JSON.stringify(topics) : '') +
    '},"timestamp":' +
    JSON.stringify(timestamp) +
    '}'
  );
}
