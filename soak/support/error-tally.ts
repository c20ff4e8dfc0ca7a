/** Counts of errors by kind (`handshake_refused:503`, `unexpected_close:1006`, ...). */
export class ErrorTally {
  private readonly counts = new Map<string, number>();

  add(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  get(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Every kind and its count, most frequent first. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].toSorted((a, b) => b[1] - a[1]));
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
