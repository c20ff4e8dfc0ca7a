/** How many names' answers a table caches before its cache starts over (topic names and types come from clients too). */
export const MAX_CACHED_NAMES = 10_000;

/** A pattern as a regular expression: `*` matches any run of characters, everything else itself. */
export function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

/**
 * A list of option entries keyed by a name pattern (`room:*`, `price.*`): the
 * first entry whose pattern matches a name decides, and an entry whose value
 * is null stops later entries from matching. The answer for a name is
 * computed once, optionally derived from the name (`derive`), and cached, so
 * a lookup on a hot path costs one Map read; with no value at all it costs
 * nothing.
 *
 * @internal
 */
export class PatternTable<V, R = V> {
  private readonly compiled: Array<{ test: RegExp; value: V | null }>;
  private readonly cache = new Map<string, R | null>();
  /** True when no entry has a value: every name is answered null without a lookup. */
  readonly empty: boolean;

  constructor(
    entries: ReadonlyArray<{ readonly pattern: string; readonly value: V | null }>,
    private readonly derive: (value: V, name: string) => R = (value) => value as unknown as R,
  ) {
    this.compiled = entries.map((entry) => ({ test: compilePattern(entry.pattern), value: entry.value }));
    this.empty = entries.every((entry) => entry.value === null);
  }

  /** How many names are cached (for tests). */
  get cached(): number {
    return this.cache.size;
  }

  /** The answer for `name`, or null when no entry applies (or the one that applies has no value). */
  match(name: string): R | null {
    if (this.empty) return null;
    const known = this.cache.get(name);
    if (known !== undefined) return known;
    let found: R | null = null;
    for (const entry of this.compiled) {
      if (entry.test.test(name)) {
        found = entry.value === null ? null : this.derive(entry.value, name);
        break;
      }
    }
    if (this.cache.size >= MAX_CACHED_NAMES) this.cache.clear();
    this.cache.set(name, found);
    return found;
  }
}
