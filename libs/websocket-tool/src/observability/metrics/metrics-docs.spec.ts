import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS_TABLE } from '../../config/settings-table.js';
import { WS_METRICS } from './metrics.constants.js';

describe('docs/metrics.md', () => {
  it('lists every metric with its type, labels and meaning, exactly as the code defines them', () => {
    const doc = readFileSync(new URL('../../../../../docs/metrics.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('<!-- metrics-table:start -->'), doc.indexOf('<!-- metrics-table:end -->'));
    const prefix = SETTINGS_TABLE.find((s) => s.key === 'metricsPrefix')?.default as string;
    const expected = Object.values(WS_METRICS).map(
      (m) => `| \`${prefix}${m.name}\` | ${m.type} | ${m.labels.map((l) => '`' + l + '`').join(', ') || '—'} | ${m.help} |`,
    );
    const documented = table.split('\n').filter((line) => line.startsWith('| `'));
    expect(documented).toEqual(expected);
  });
});
