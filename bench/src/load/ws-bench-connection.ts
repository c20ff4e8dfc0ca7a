import { WebSocket, type RawData } from 'ws';
import type { BenchConnection, BenchSink } from './bench-connection.interface.js';
import { openWebSocket } from './open-websocket.js';
import type { PayloadFactory } from './payload-factory.js';
import { readSendTime, type WireCodec } from './wire-codec.js';

/** A `ws` client speaking one target's codec. */
export class WsBenchConnection implements BenchConnection {
  constructor(
    private readonly ws: WebSocket,
    private readonly codec: WireCodec,
    private readonly payloads: PayloadFactory,
    public sink: BenchSink,
  ) {
    ws.on('message', (data: RawData) => this.onFrame(data as Buffer));
    ws.on('close', () => this.sink.closed());
  }

  /** Opens a connection; rejects on an error, a refused upgrade or after `timeoutMs`. */
  static async open(
    url: string,
    codec: WireCodec,
    payloads: PayloadFactory,
    sink: BenchSink,
    timeoutMs: number,
  ): Promise<WsBenchConnection> {
    return new WsBenchConnection(await openWebSocket(url, timeoutMs), codec, payloads, sink);
  }

  private onFrame(frame: Buffer): void {
    const sendTime = readSendTime(frame);
    if (sendTime >= 0) this.sink.payload(sendTime);
    else if (frame.indexOf(this.codec.ackMarker) >= 0) this.sink.ack();
  }

  private send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  echo(sendTimeUs: number): void {
    this.send(this.codec.echo(this.payloads.text(sendTimeUs)));
  }

  broadcast(sendTimeUs: number): void {
    this.send(this.codec.broadcast(this.payloads.text(sendTimeUs)));
  }

  publish(topic: string, sendTimeUs: number): void {
    this.send(this.codec.publish(this.payloads.text(sendTimeUs, topic)));
  }

  subscribe(topic: string): void {
    this.send(this.codec.subscribe(topic));
  }

  close(): void {
    this.ws.terminate();
  }
}
