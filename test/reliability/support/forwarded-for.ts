let counter = 0;

/**
 * A distinct client address for each caller, sent as `X-Forwarded-For` to a
 * server started with `FP_WST_TRUST_PROXY=1`: the per-IP handshake limit then
 * sees every test client as its own address, except the ones that share one
 * on purpose (a handshake flood).
 */
export function forwardedFor(): Record<string, string> {
  counter++;
  return { 'X-Forwarded-For': `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}` };
}
