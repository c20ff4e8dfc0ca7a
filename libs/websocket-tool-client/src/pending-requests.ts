import type { ClientClock } from './clock.interface.js';
import type { WsMessage, WsOutgoingMessage } from './message.interface.js';

/** A request waiting for its reply (user requests, pings and subscribe/unsubscribe). */
export interface PendingRequest {
  id: string;
  /** The serialized message, kept to send it again after a rate-limit refusal. */
  json: string;
  message: WsOutgoingMessage;
  /** Written on the current connection, so its reply can only come on it. */
  sent: boolean;
  /** A user request: goes through the offline queue and is retried after a rate-limit refusal. */
  queued: boolean;
}

interface Entry {
  request: PendingRequest;
  resolve: (reply: WsMessage) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

/** Requests by correlation id (`meta.id`), each with its timeout. */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: ClientClock) {}

  get size(): number {
    return this.entries.size;
  }

  /** Registers a request; `onTimeout` runs (and the promise rejects with its error) if no reply comes in time. */
  add<TReply>(request: PendingRequest, timeoutMs: number, onTimeout: (request: PendingRequest) => Error): Promise<WsMessage<TReply>> {
    return new Promise<WsMessage<TReply>>((resolve, reject) => {
      const entry: Entry = { request, resolve: resolve as (reply: WsMessage) => void, reject, timer: null };
      entry.timer = this.clock.setTimeout(() => {
        this.entries.delete(request.id);
        reject(onTimeout(request));
      }, timeoutMs);
      this.entries.set(request.id, entry);
    });
  }

  get(id: string): PendingRequest | undefined {
    return this.entries.get(id)?.request;
  }

  resolve(id: string, reply: WsMessage): void {
    this.take(id)?.resolve(reply);
  }

  reject(id: string, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Rejects the requests already written to a connection that is gone: their replies cannot come. */
  rejectSent(error: (request: PendingRequest) => Error): void {
    for (const entry of Array.from(this.entries.values())) {
      if (entry.request.sent) this.take(entry.request.id)?.reject(error(entry.request));
    }
  }

  rejectAll(error: Error): void {
    for (const id of Array.from(this.entries.keys())) this.reject(id, error);
  }

  private take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.clock.clearTimeout(entry.timer);
    return entry;
  }
}
