import { describe, expect, it } from 'vitest';
import { errorText, formatLogMessage, MAX_TASK_TEXT_LENGTH, toWireLevel } from './task-text.js';

describe('task texts', () => {
  it('maps levels to the original level names', () => {
    expect(
      ['debug', 'verbose', 'info', 'log', 'warn', 'warning', 'error', 'fatal', 'critical', 'WARN', 'nonsense'].map(toWireLevel),
    ).toEqual(['DEBUG', 'DEBUG', 'INFO', 'INFO', 'WARNING', 'WARNING', 'ERROR', 'CRITICAL', 'CRITICAL', 'WARNING', 'INFO']);
  });

  it('never sends a stack', () => {
    const error = new RangeError('out of range');
    expect(formatLogMessage(error)).toBe('RangeError: out of range');
    expect(errorText(error)).toBe('out of range');
    expect(errorText({ message: 'plain object' })).toBe('plain object');
    expect(errorText(undefined)).toBe('Task failed');
    expect(errorText(new Error(''))).toBe('Error');
  });

  it('formats values and cuts long texts', () => {
    expect(formatLogMessage({ a: 1 })).toBe('{"a":1}');
    expect(formatLogMessage(42)).toBe('42');
    expect(formatLogMessage(10n)).toBe('10');
    const cut = formatLogMessage('y'.repeat(MAX_TASK_TEXT_LENGTH + 1));
    expect(cut).toHaveLength(MAX_TASK_TEXT_LENGTH);
    expect(cut.endsWith(' [truncated]')).toBe(true);
  });
});
