/** Where a connection reports what it receives. One sink is usually shared by many connections. */
export interface BenchSink {
  /** A bench payload arrived; `sendTimeUs` is the stamp its sender put in it. */
  payload(sendTimeUs: number): void;
  /** A subscription was acknowledged. */
  ack(): void;
  /** The connection closed. */
  closed(): void;
}

/** One client connection to a target, whatever its wire protocol. */
export interface BenchConnection {
  sink: BenchSink;
  /** Asks the server to send the payload back to this client. */
  echo(sendTimeUs: number): void;
  /** Asks the server to send the payload to every client. */
  broadcast(sendTimeUs: number): void;
  /** Asks the server to send the payload to the subscribers of `topic`. */
  publish(topic: string, sendTimeUs: number): void;
  subscribe(topic: string): void;
  /** Drops the connection at once. */
  close(): void;
}

/** A sink that ignores everything (for publishers). */
export const IGNORING_SINK: BenchSink = {
  payload: () => undefined,
  ack: () => undefined,
  closed: () => undefined,
};
