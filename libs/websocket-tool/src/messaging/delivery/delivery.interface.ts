import type { SendFailureReason } from '../send-result.interface.js';

/**
 * What became of one acknowledged message:
 *
 * - `delivered`: the client SDK received it and said so (`system.ack`);
 * - `timeout`: no acknowledgement came before the deadline (the message may still have arrived);
 * - `offline`: the client is connected nowhere, or left before acknowledging;
 * - `kept` (`sendToClient` only, with the `mailbox` option): the client is connected nowhere and its offline
 *   mailbox kept the message, to be delivered when it connects again; no acknowledgement is awaited then;
 * - `dropped`: it was never queued for the client; `reason` says why.
 *
 * @publicApi
 */
export type DeliveryStatus = 'delivered' | 'timeout' | 'offline' | 'kept' | 'dropped';

/** The outcome of `sendToClient(id, message, { ack: true })`. @publicApi */
export interface DeliveryReceipt {
  status: DeliveryStatus;
  /** Why the message was dropped; only with `status: 'dropped'`. */
  reason?: SendFailureReason;
}

/** How many recipients of an acknowledged `publish` or `broadcast` ended in each outcome. @publicApi */
export interface DeliveryCounts {
  delivered: number;
  timeout: number;
  offline: number;
  dropped: number;
}

/** Asks for an acknowledgement of each recipient. @publicApi */
export interface AckOptions {
  ack: true;
  /**
   * How long to wait for the acknowledgements, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
}

/**
 * Sends a message once per key: a `publish` or `broadcast` repeating a key already used within the window,
 * on any node of the cluster, sends nothing and answers `duplicate: true`.
 *
 * @publicApi
 */
export interface IdempotencyOptions {
  /** The message's key, chosen by the caller (an event id, a request id): the same for every retry. */
  idempotencyKey: string;
  /**
   * How long the key is remembered, in milliseconds.
   * @default 300000
   */
  idempotencyWindowMs?: number;
}

/** How long an idempotency key is remembered by default: five minutes. */
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 300_000;

/** Options of `BroadcastService.request`. @publicApi */
export interface ClientRequestOptions {
  /**
   * How long to wait for the client's reply, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
}

/**
 * Why a server request got no answer:
 *
 * - `timeout`: no reply before the deadline;
 * - `offline`: the client is connected nowhere, or left before replying;
 * - `dropped`: the request was never queued for the client (`reason` says why);
 * - `client_error`: the client answered with an error (`clientCode`: `no_handler`, `handler_error`).
 *
 * @publicApi
 */
export type ClientRequestFailure = 'timeout' | 'offline' | 'dropped' | 'client_error';

/** How long acknowledged sends and server requests wait by default. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

/**
 * A server request (`BroadcastService.request`) that got no reply.
 *
 * @publicApi
 */
export class ClientRequestError extends Error {
  override readonly name = 'ClientRequestError';

  constructor(
    /** Why the request failed. */
    readonly code: ClientRequestFailure,
    message: string,
    /** With `code: 'client_error'`: the client's error code; with `code: 'dropped'`: why it was dropped. */
    readonly clientCode?: string,
  ) {
    super(message);
  }
}
