/**
 * Approximate top-N of the keys seen most often, in bounded memory (the
 * "space saving" algorithm): at most `capacity` keys are tracked; a new key
 * arriving when full replaces the least counted one and inherits its count.
 */
export class TopCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 100) {}

  add(key: string, n = 1): void {
    const current = this.counts.get(key);
    if (current !== undefined) {
      this.counts.set(key, current + n);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, n);
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.counts.delete(minKey);
    this.counts.set(key, min + n);
  }

  top(n = 10): Array<{ key: string; count: number }> {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  get size(): number {
    return this.counts.size;
  }

  clear(): void {
    this.counts.clear();
  }
}
