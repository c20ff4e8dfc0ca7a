import type { ClientClock } from './clock.interface.js';
import type { WsMessage, WsOutgoingMessage } from './message.interface.js';
import type { Outbox } from './outbox.js';
import type { PendingRequest, PendingRequests } from './pending-requests.js';
import { SystemMessageType } from './protocol/index.js';
import { WsRequestError, WsRequestFailedError } from './request-errors.js';

/** Options of one `request()`. @publicApi */
export interface RequestOptions {
  /** Extra `meta` fields; `meta.id` is set by the client. */
  meta?: Record<string, unknown>;
  /** Overrides the client's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** Requests and their replies, matched by `meta.id`: user requests, pings and subscribe/unsubscribe. */
export class Requests {
  private readonly idPrefix = Math.random().toString(36).slice(2, 8) + '-';
  private sequence = 0;

  constructor(
    private readonly clock: ClientClock,
    private readonly requestTimeoutMs: number,
    private readonly pending: PendingRequests,
    private readonly outbox: Outbox,
  ) {}

  /** A fresh correlation id. */
  nextId(): string {
    return this.idPrefix + (++this.sequence).toString(36);
  }

  /**
   * Sends a request and resolves with its reply. `queued` requests go through
   * the offline queue; the others (protocol requests) are written now or fail.
   */
  track<TReply>(id: string, json: string, message: WsOutgoingMessage, timeoutMs: number, queued: boolean): Promise<WsMessage<TReply>> {
    const request: PendingRequest = { id, json, message, sent: false, queued };
    const reply = this.pending.add<TReply>(request, timeoutMs, () => {
      this.outbox.remove((item) => item.request === request);
      return new WsRequestFailedError('timeout', `No reply to "${message.type}" within ${timeoutMs} ms.`);
    });
    if (queued) {
      this.outbox.send({ json, message, request });
    } else if (this.outbox.writeDirect(message)) {
      request.sent = true;
    } else {
      this.pending.reject(id, new WsRequestFailedError('connection_lost', `Cannot send "${message.type}": the connection is not open.`));
    }
    return reply;
  }

  /**
   * A protocol request (`system.*`), exempt from the offline queue and the
   * rate limit. `id` lets the caller know the reply's `meta.id` beforehand.
   */
  system(type: string, content: unknown, meta: Record<string, unknown> = {}, id: string = this.nextId()): Promise<WsMessage> {
    const message: WsOutgoingMessage = { type, content, meta: { ...meta, id } };
    return this.track(id, '', message, this.requestTimeoutMs, false);
  }

  /**
   * Settles the request an inbound message answers, if any: `system.error`
   * rejects it; `system.rate_limited` sends a queued request again (the
   * server dropped it unprocessed) and rejects the others.
   */
  settle(message: WsMessage): void {
    const meta = message.meta;
    const id = typeof meta.id === 'string' || typeof meta.id === 'number' ? String(meta.id) : undefined;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (!request) return;
    if (message.type === SystemMessageType.RateLimited && request.queued) {
      // The server dropped it unprocessed: send it again, first, once allowed.
      request.sent = false;
      this.outbox.requeue({ json: request.json, message: request.message, request });
    } else if (message.type === SystemMessageType.Error || message.type === SystemMessageType.RateLimited) {
      const code = typeof meta.code === 'string' ? meta.code : message.type === SystemMessageType.RateLimited ? 'rate_limited' : 'error';
      this.pending.reject(request.id, new WsRequestError(code, typeof message.content === 'string' ? message.content : code, meta));
    } else {
      this.pending.resolve(request.id, message);
    }
  }
}
