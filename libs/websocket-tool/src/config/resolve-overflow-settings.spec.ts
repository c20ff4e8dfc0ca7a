import { describe, expect, it } from 'vitest';
import { resolveOverflowSettings } from './resolve-overflow-settings.js';

describe('resolveOverflowSettings', () => {
  it('resolves the entries, the coalesce key split on dots', () => {
    expect(
      resolveOverflowSettings([
        { type: 'price.*', policy: 'coalesce', key: 'item.id' },
        { type: 'log', policy: 'drop-newest' },
      ]),
    ).toEqual({
      problems: [],
      overflow: [
        { type: 'price.*', policy: 'coalesce', key: ['item', 'id'] },
        { type: 'log', policy: 'drop-newest', key: null },
      ],
    });
    expect(resolveOverflowSettings(undefined)).toEqual({ problems: [], overflow: [] });
  });

  it('names every wrong field', () => {
    const { problems } = resolveOverflowSettings([
      { type: 'a b', policy: 'drop' },
      { type: 'p', policy: 'coalesce' },
      { type: 'q', policy: 'drop-oldest', key: 'id', extra: 1 },
    ]);
    expect(problems.map((p) => p.source)).toEqual([
      'option "overflow[0].type"',
      'option "overflow[0].policy"',
      'option "overflow[1].key"',
      'option "overflow[2].extra"',
      'option "overflow[2].key"',
    ]);
    expect(resolveOverflowSettings('coalesce').problems[0].message).toContain('an array like');
  });
});
