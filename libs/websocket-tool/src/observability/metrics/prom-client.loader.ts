/** prom-client's module namespace. */
export type PromClient = typeof import('prom-client');

/**
 * Loads prom-client, an optional peer, only when metrics are on; a missing
 * package rejects with Node's `ERR_MODULE_NOT_FOUND`.
 *
 * @internal
 */
export function loadPromClient(): Promise<PromClient> {
  return import('prom-client');
}
