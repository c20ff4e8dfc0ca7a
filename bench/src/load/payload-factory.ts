import { SEND_TIME_KEY } from '../shared/bench-protocol.constants.js';

/** The smallest payload text: `{"bt":<13 digits>,"pad":""}`. */
const FIXED_PART = 28;

/**
 * Builds the payload objects the clients send: a send time and padding so
 * the JSON text is about `bytes` long, optionally with a topic.
 */
export class PayloadFactory {
  private readonly pad: string;

  constructor(bytes: number) {
    this.pad = 'x'.repeat(Math.max(0, bytes - FIXED_PART));
  }

  text(sendTimeUs: number, topic?: string): string {
    const head = topic === undefined ? '{' : `{"topic":"${topic}",`;
    return `${head}"${SEND_TIME_KEY}":${sendTimeUs},"pad":"${this.pad}"}`;
  }

  object(sendTimeUs: number, topic?: string): Record<string, unknown> {
    return topic === undefined ? { [SEND_TIME_KEY]: sendTimeUs, pad: this.pad } : { topic, [SEND_TIME_KEY]: sendTimeUs, pad: this.pad };
  }
}
