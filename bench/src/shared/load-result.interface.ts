/** What one load-generator process reports: named figures and the checks behind them. */
export interface LoadResult {
  /** Figure name → value; names carry their unit (`PerSec`, `Ms`, `Us`, `Kb`, `Pct`). */
  metrics: Record<string, number | null>;
  /** Facts that qualify the figures (incomplete deliveries, failed connections, ...). */
  notes: string[];
  /** True when every expected connection opened and every expected message arrived. */
  complete: boolean;
}
