/**
 * One serialized message on its way out. A broadcast builds one frame and
 * queues the same object for every recipient, so serializing and encoding
 * happen once per message, not once per client.
 */
export class OutboundFrame {
  readonly data: Buffer;
  readonly enqueuedAt: number;

  constructor(json: string, now: number) {
    this.data = Buffer.from(json, 'utf8');
    this.enqueuedAt = now;
  }
}
