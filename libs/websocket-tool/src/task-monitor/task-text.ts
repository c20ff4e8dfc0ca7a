import type { TaskLogLevel, TaskWireLevel } from './task-event.interface.js';

/** Longest text (log line, progress message, error) sent for a task; longer ones are cut. */
export const MAX_TASK_TEXT_LENGTH = 8192;

/** Largest JSON of a task result sent in `meta.result`, in characters. */
export const MAX_TASK_RESULT_LENGTH = 16384;

const TRUNCATED = ' [truncated]';

const WIRE_LEVELS: Readonly<Record<string, TaskWireLevel>> = {
  debug: 'DEBUG',
  verbose: 'DEBUG',
  info: 'INFO',
  log: 'INFO',
  warn: 'WARNING',
  warning: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
  critical: 'CRITICAL',
};

/** The original plugin's level name for a level; an unknown level counts as `INFO`. */
export function toWireLevel(level: TaskLogLevel | string): TaskWireLevel {
  return (typeof level === 'string' && WIRE_LEVELS[level.toLowerCase()]) || 'INFO';
}

/** Cuts a text to `MAX_TASK_TEXT_LENGTH` characters, saying so at the end. */
export function clampText(text: string): string {
  return text.length > MAX_TASK_TEXT_LENGTH ? text.slice(0, MAX_TASK_TEXT_LENGTH - TRUNCATED.length) + TRUNCATED : text;
}

/**
 * One log line from whatever a caller logs. An `Error` becomes its name and
 * message only: stacks never leave the server.
 */
export function formatLogMessage(message: unknown): string {
  if (typeof message === 'string') return clampText(message);
  if (message instanceof Error) return clampText(`${message.name}: ${message.message}`);
  if (message === undefined || message === null || typeof message !== 'object') return clampText(String(message));
  try {
    return clampText(JSON.stringify(message) ?? String(message));
  } catch {
    return clampText(Object.prototype.toString.call(message));
  }
}

/** The message of an error, never its stack. */
export function errorText(error: unknown): string {
  if (typeof error === 'string' && error.length > 0) return clampText(error);
  if (error instanceof Error) return clampText(error.message || error.name);
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    const message = (error as { message: string }).message;
    if (message.length > 0) return clampText(message);
  }
  return 'Task failed';
}
