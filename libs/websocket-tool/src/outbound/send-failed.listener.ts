import type { ClientConnection } from '../connection/client-connection.js';

/**
 * Told about every failed write to a client (the `message_failed` hooks
 * implement it). The default does nothing.
 *
 * @internal
 */
export abstract class SendFailedListener {
  abstract sendFailed(connection: ClientConnection, err: Error): void;
}

/** The listener when none is provided. */
export const NO_SEND_FAILED_LISTENER: SendFailedListener = {
  sendFailed: () => undefined,
};
