import { CloseCode, SystemMessageType as ServerSystemMessageType } from '@websocket-tool/nestjs';
import { describe, expect, it } from 'vitest';
import { SystemMessageType, shouldReconnectByDefault } from './protocol.constants.js';

// The client package cannot import the server library, so it keeps its own copy of the protocol constants.
describe('the client protocol constants match the server', () => {
  it('has the same system message types', () => {
    expect(SystemMessageType).toEqual(ServerSystemMessageType);
  });

  it("reconnects by default exactly after the closes the server's table marks reconnectable", () => {
    for (const [name, close] of Object.entries(CloseCode)) {
      // 1000 is the client's own close; after it the client has stopped anyway.
      if (name === 'Normal') continue;
      expect({ name, reconnect: shouldReconnectByDefault(close) }).toEqual({ name, reconnect: close.reconnect });
    }
  });
});
