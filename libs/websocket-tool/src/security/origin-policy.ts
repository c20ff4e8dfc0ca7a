/**
 * Cross-Site WebSocket Hijacking protection. A request without `Origin` is
 * not from a browser and is allowed. A browser's origin must match one of
 * `allowed` exactly (scheme, host and port) or one of its regular
 * expressions; with no list, it must be the request's own host.
 * `Origin: null` (sandboxed frames, file://) is always refused.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: ReadonlyArray<string | RegExp> | undefined,
): boolean {
  if (origin === undefined) return true;
  if (origin === 'null' || origin.length === 0) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const normalized = parsed.origin;
  if (allowed && allowed.length > 0) {
    return allowed.some((rule) => (typeof rule === 'string' ? normalizeOrigin(rule) === normalized : rule.test(normalized)));
  }
  return host !== undefined && parsed.host === host.toLowerCase();
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
