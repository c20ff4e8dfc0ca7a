import type { ClientLogger } from './client-logger.interface.js';
import { SystemMessageType } from './protocol/message-types.js';

/** What token refresh needs of the client. */
interface RefreshingClient {
  on(type: typeof SystemMessageType.TokenExpiring, handler: () => void): unknown;
  request(type: string, content?: unknown): Promise<unknown>;
}

/**
 * Answers the server's `system.token_expiring` with `system.refresh` and a
 * token from `getToken`. A refresh that fails is logged: the server then
 * closes with `4004 token_expired` at the old token's expiry, and the
 * reconnect asks `getToken` again.
 */
export function refreshTokenWhenExpiring(client: RefreshingClient, getToken: () => string | Promise<string>, logger: ClientLogger): void {
  let refreshing = false;
  client.on(SystemMessageType.TokenExpiring, () => {
    if (refreshing) return;
    refreshing = true;
    Promise.resolve()
      .then(() => getToken())
      .then((token) => client.request(SystemMessageType.Refresh, { token }))
      .catch((error: unknown) => logger.warn('The token could not be refreshed; the server will close at its expiry.', error))
      .finally(() => {
        refreshing = false;
      });
  });
}
