import type { IncomingMessage } from 'node:http';

/** Strips the IPv4-mapped IPv6 prefix so one client has one key. */
export function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The client's IP: the socket address, or with `trustProxyHops > 0` the
 * address that many hops back in `X-Forwarded-For` (as Express counts them).
 */
export function clientIp(request: IncomingMessage, trustProxyHops: number): string {
  const socketAddress = normalizeIp(request.socket.remoteAddress ?? 'unknown');
  if (trustProxyHops <= 0) return socketAddress;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  // Closest first: the socket peer, then the forwarded list read from the right.
  const chain = [socketAddress, ...forwarded.reverse().map(normalizeIp)];
  return chain[Math.min(trustProxyHops, chain.length - 1)];
}
