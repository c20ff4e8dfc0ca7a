/** Outcome of the cluster-wide per-IP handshake limit. @internal */
export type ClusterIpAdmission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The per-IP handshake bucket shared by every node, so a client cannot get
 * N times the limit by spreading its connections over N nodes.
 *
 * @internal
 */
export abstract class ClusterAdmission {
  /**
   * Takes a handshake token for `ip` from the shared bucket (`capacity`
   * tokens, `ratePerMs` added per millisecond). Returns null at once when no
   * shared bucket can answer now (a single node, or the link is down): the
   * caller then uses its own bucket, synchronously. The promise also
   * resolves to null when the shared bucket did not answer in time.
   */
  abstract admit(ip: string, capacity: number, ratePerMs: number): Promise<ClusterIpAdmission | null> | null;
}
