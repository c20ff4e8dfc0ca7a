/**
 * Thrown by authentication code to refuse an upgrade with a given HTTP
 * status and a short reason (sent in the response body; never include
 * secrets or token contents).
 *
 * @publicApi
 */
export class HandshakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'HandshakeRefusal';
  }
}
