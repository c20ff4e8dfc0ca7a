import { describe, expect, it } from 'vitest';
import { SystemMessageType } from './message-types.js';
import { serializeEnvelope } from './serialize-envelope.js';
import { welcomeMessageJson } from './welcome-message.js';

describe('welcomeMessageJson', () => {
  it.each(['anon-0b7f4c1e-8d7a-4a53-9a4f-6f1f2f3e4d5c', 'alice', 'a.b:c@d-e_f', 'q"uote\\back\u2028'])(
    'writes what serializeEnvelope writes for %j',
    (clientId) => {
      const timestamp = '2026-11-30T02:40:00.123Z';
      const expected = serializeEnvelope(
        {
          type: SystemMessageType.ClientConnected,
          content: `Welcome ${clientId}!`,
          meta: { event: 'connected', client_id: clientId },
        },
        timestamp,
      );
      expect(welcomeMessageJson(clientId, timestamp)).toBe(expected);
      expect(JSON.parse(welcomeMessageJson(clientId, timestamp))).toEqual(JSON.parse(expected));
    },
  );
});
