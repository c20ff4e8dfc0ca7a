import { describe, expect, it } from 'vitest';
import { CloseCode, shouldReconnectByDefault } from './close-codes.js';

describe('the default reconnect rule', () => {
  it("reconnects exactly after the closes the server's table marks reconnectable", () => {
    for (const [name, close] of Object.entries(CloseCode)) {
      // 1000 is the client's own close; after it the client has stopped anyway.
      if (name === 'Normal') continue;
      expect({ name, reconnect: shouldReconnectByDefault(close) }).toEqual({ name, reconnect: close.reconnect });
    }
  });
});
