import type { BarResult } from '../soak-report.js';

/** What one cluster fault tier measured: its pass bars, figures for the report, and notes. */
export interface TierOutcome {
  bars: BarResult[];
  figures: Record<string, unknown>;
  notes: string[];
}
