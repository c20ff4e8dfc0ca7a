import { io, type Socket } from 'socket.io-client';
import { SEND_TIME_KEY } from '../shared/bench-protocol.constants.js';
import type { BenchConnection, BenchSink } from './bench-connection.interface.js';
import type { PayloadFactory } from './payload-factory.js';

type Payload = Record<string, unknown> | null | undefined;

/** A `socket.io-client` connection, WebSocket transport only (no long-polling start). */
export class SocketIoBenchConnection implements BenchConnection {
  constructor(
    private readonly socket: Socket,
    private readonly payloads: PayloadFactory,
    public sink: BenchSink,
  ) {
    const onPayload = (data: Payload) => {
      const sendTime = data?.[SEND_TIME_KEY];
      if (typeof sendTime === 'number') this.sink.payload(sendTime);
    };
    socket.on('echo', onPayload);
    socket.on('broadcast', onPayload);
    socket.on('message', onPayload);
    socket.on('subscribed', () => this.sink.ack());
    socket.on('disconnect', () => this.sink.closed());
  }

  static open(url: string, payloads: PayloadFactory, sink: BenchSink, timeoutMs: number): Promise<SocketIoBenchConnection> {
    return new Promise((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
      socket.once('connect_error', (err: Error) => {
        socket.disconnect();
        reject(err);
      });
      socket.once('connect', () => resolve(new SocketIoBenchConnection(socket, payloads, sink)));
    });
  }

  echo(sendTimeUs: number): void {
    this.socket.emit('echo', this.payloads.object(sendTimeUs));
  }

  broadcast(sendTimeUs: number): void {
    this.socket.emit('broadcast', this.payloads.object(sendTimeUs));
  }

  publish(topic: string, sendTimeUs: number): void {
    this.socket.emit('publish', this.payloads.object(sendTimeUs, topic));
  }

  subscribe(topic: string): void {
    this.socket.emit('subscribe', { topic });
  }

  close(): void {
    this.socket.disconnect();
  }
}
