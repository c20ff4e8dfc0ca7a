import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hasProxyHeaders, hostName, isLoopbackAddress, isLoopbackHost } from './loopback.js';

/** One entry of `allowedHosts`: an exact host name, or `*.example.com` for any name below it. */
export type HostRule = { exact: string } | { suffix: string };

/** Reads `allowedHosts` (`'app.example.com, *.example.org'`) into rules; an empty text gives none. */
export function parseAllowedHosts(text: string): HostRule[] {
  return text
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/\.$/, ''))
    .filter((entry) => entry.length > 0)
    .map((entry) => (entry.startsWith('*.') ? { suffix: entry.slice(1) } : { exact: entry }));
}

/** What the host check reads from an upgrade request. */
export interface HostCheckRequest {
  headers: IncomingHttpHeaders;
  /** The TCP peer's address. */
  peerAddress: string | undefined;
}

/**
 * DNS-rebinding protection for the WebSocket endpoint. A page on
 * `attacker.example` that rebinds its name to 127.0.0.1 reaches a server on
 * the victim's machine with `Host` and `Origin` both `attacker.example`, so
 * the origin check passes. With `rules`, the `Host` name must match one of
 * them (loopback names from a loopback peer always pass). Without rules, a
 * browser handshake (it has an `Origin`) from a loopback peer, not relayed
 * by a proxy, must name this machine or an IP address: exactly the
 * rebinding shape is refused, and servers reached by name from elsewhere or
 * through a proxy (`trustProxy` > 0 or proxy headers) are not affected.
 */
export function isHostAllowed(request: HostCheckRequest, rules: readonly HostRule[], trustProxy: number): boolean {
  const host = request.headers.host;
  const loopbackPeer = isLoopbackAddress(request.peerAddress);
  if (rules.length > 0) {
    if (!host) return false;
    if (loopbackPeer && isLoopbackHost(host)) return true;
    const name = hostName(host);
    return rules.some((rule) => ('exact' in rule ? rule.exact === name : name.endsWith(rule.suffix)));
  }
  if (!loopbackPeer || trustProxy > 0 || request.headers.origin === undefined || hasProxyHeaders(request.headers)) return true;
  if (isLoopbackHost(host)) return true;
  const name = hostName(host as string);
  return isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;
}
