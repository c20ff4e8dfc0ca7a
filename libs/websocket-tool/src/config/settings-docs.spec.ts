import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS_TABLE } from './settings-table.js';

const KIND_WORDS = { int: 'integer', number: 'number', boolean: 'boolean', string: 'string' } as const;

describe('docs/configuration.md', () => {
  it('lists every setting with its env var, type, default and rule, exactly as the code defines them', () => {
    const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('<!-- settings-table:start -->'), doc.indexOf('<!-- settings-table:end -->'));
    const expected = SETTINGS_TABLE.map(
      (s) => `| \`${s.key}\` | \`${s.env}\` | ${KIND_WORDS[s.kind]} | \`${JSON.stringify(s.default)}\` | ${s.rule} |`,
    );
    const documented = table.split('\n').filter((line) => line.startsWith('| `'));
    expect(documented).toEqual(expected);
  });
});
