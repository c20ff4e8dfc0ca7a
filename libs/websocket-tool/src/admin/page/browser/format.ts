/** A number with thousands separators and at most two decimals; anything else as text. */
export function fmt(n: unknown): string {
  return typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(n);
}

/** A ratio (0..1) as a percentage with one decimal. */
export const pct = (ratio: number): string => (ratio * 100).toFixed(1) + '%';

/** Seconds as `1h 02m`, `3m 04s` or `5s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return h + 'h ' + String(m).padStart(2, '0') + 'm';
  if (m) return m + 'm ' + String(sec).padStart(2, '0') + 's';
  return sec + 's';
}

/** Seconds since something, or `never`. */
export function ago(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'never';
  return duration(seconds) + ' ago';
}
