import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { normalizeIp } from './client-ip.js';
import { rejectUpgrade } from './reject-upgrade.js';

/** What the guard enforces, from the settings. */
export interface HttpConnectionLimits {
  /** Time for each request's headers, counted from the connection (first request) or the request's first byte (later ones). */
  requestTimeoutMs: number;
  /** Open TCP connections one peer address may hold; 0 turns the cap off. */
  maxConnectionsPerIp: number;
}

/** Where a connection stands between requests. */
interface Tracked {
  /** Requests read completely whose response has not finished. */
  inFlight: number;
  /** When the connection is closed if nothing changes; `Infinity` while a response is pending. */
  deadline: number;
  /** `bytesRead` when the last response finished, until the next request's first byte arrives; -1 otherwise. */
  idleBytes: number;
}

/**
 * Slowloris protection for the HTTP server the WebSocket endpoint shares.
 *
 * Node bounds a request's headers with `headersTimeout` (60 s) checked every
 * `connectionsCheckingInterval` (30 s), so a client that trickles header
 * lines is held up to 90 s; and a trickle resets the 5 s keep-alive timer.
 * This guard bounds **every** request on a connection, not only the first,
 * by `requestTimeoutMs`: the first one from the connection, a later one from
 * the sweep that sees its first byte arrive (socket `bytesRead` grew since the
 * last response). A connection that stays idle after a response is closed
 * after the longer of that time and the server's `keepAliveTimeout`.
 * Requests being served (long polls, streams) and upgraded sockets are left
 * alone.
 *
 * It also caps the TCP connections one peer address holds open (HTTP and
 * WebSocket alike), counted on the server's `connection` event; a connection
 * over the cap gets 503 before its request is read.
 *
 * @internal
 */
export class HttpConnectionGuard {
  private readonly tracked = new Map<Duplex, Tracked>();
  private readonly openPerIp = new Map<string, number>();
  private sweep: NodeJS.Timeout | null = null;
  private readonly sweepEveryMs: number;
  private readonly detaches: Array<() => void> = [];
  /**
   * The 'close' listener of every counted connection: one function for all,
   * reading the address from the socket (`this`), rather than a closure kept
   * for each connection's life.
   */
  private readonly releaseOpen: (this: Socket) => void;

  constructor(private readonly limits: HttpConnectionLimits) {
    const openPerIp = this.openPerIp;
    this.releaseOpen = function (this: Socket) {
      // The address was read (and cached by the socket) when the connection was counted.
      const ip = normalizeIp(this.remoteAddress ?? 'unknown');
      const left = (openPerIp.get(ip) ?? 1) - 1;
      if (left <= 0) openPerIp.delete(ip);
      else openPerIp.set(ip, left);
    };
    // A request's start is seen one sweep late at most, and its deadline one sweep late: two sweeps of slack in all.
    this.sweepEveryMs = Math.min(500, Math.max(50, limits.requestTimeoutMs / 20));
  }

  /** Starts guarding `server`'s connections. */
  attach(server: http.Server): void {
    // Behind TLS, requests arrive on the TLS socket, not on the TCP one `connection` gives.
    const encrypted = server instanceof tls.Server;
    const onConnection = (socket: Socket) => {
      if (this.admitOpen(socket) && !encrypted) this.track(socket);
    };
    const onSecureConnection = (socket: Duplex) => this.track(socket);
    const onRequest = (request: http.IncomingMessage, response: http.ServerResponse) => this.requestRead(server, request, response);
    server.on('connection', onConnection);
    if (encrypted) server.on('secureConnection', onSecureConnection);
    server.on('request', onRequest);
    this.detaches.push(() => {
      server.off('connection', onConnection);
      server.off('secureConnection', onSecureConnection);
      server.off('request', onRequest);
    });
    this.sweep ??= setInterval(() => this.sweepExpired(), this.sweepEveryMs);
    this.sweep.unref();
  }

  /** The socket became a WebSocket (or was answered by the upgrade path): its requests are over. */
  upgraded(socket: Duplex): void {
    this.tracked.delete(socket);
  }

  /** Stops the sweep and forgets every connection. */
  dispose(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    for (const detach of this.detaches.splice(0)) detach();
    this.tracked.clear();
    this.openPerIp.clear();
  }

  /** Counts the connection against its address; false (and a 503) when the address holds its cap already. */
  private admitOpen(socket: Socket): boolean {
    const cap = this.limits.maxConnectionsPerIp;
    if (cap <= 0) return true;
    const ip = normalizeIp(socket.remoteAddress ?? 'unknown');
    const open = (this.openPerIp.get(ip) ?? 0) + 1;
    if (open > cap) {
      rejectUpgrade(socket, 503, 'Too many open connections from this address', { 'Retry-After': '5' });
      return false;
    }
    this.openPerIp.set(ip, open);
    socket.on('close', this.releaseOpen);
    return true;
  }

  /** A new connection: its first request's headers are due within the timeout. */
  private track(socket: Duplex): void {
    this.tracked.set(socket, { inFlight: 0, deadline: Date.now() + this.limits.requestTimeoutMs, idleBytes: -1 });
  }

  private requestRead(server: http.Server, request: http.IncomingMessage, response: http.ServerResponse): void {
    const socket = request.socket;
    const state = this.tracked.get(socket);
    if (!state) return;
    state.inFlight++;
    state.deadline = Infinity;
    state.idleBytes = -1;
    response.once('close', () => {
      state.inFlight--;
      if (state.inFlight > 0 || socket.destroyed || this.tracked.get(socket) !== state) return;
      state.idleBytes = socket.bytesRead;
      state.deadline = Date.now() + Math.max(this.limits.requestTimeoutMs, server.keepAliveTimeout || 0);
    });
  }

  private sweepExpired(): void {
    const now = Date.now();
    for (const [socket, state] of this.tracked) {
      if (socket.destroyed) {
        this.tracked.delete(socket);
      } else if (state.idleBytes >= 0 && (socket as Socket).bytesRead > state.idleBytes) {
        // The next request's first bytes came in since the last sweep.
        state.idleBytes = -1;
        state.deadline = now + this.limits.requestTimeoutMs;
      } else if (state.deadline <= now) {
        this.tracked.delete(socket);
        // Idle since its last response: closed as the keep-alive timer would; mid-request: 408.
        if (state.idleBytes >= 0) socket.destroy();
        else rejectUpgrade(socket, 408, 'Request Timeout');
      }
    }
  }
}
