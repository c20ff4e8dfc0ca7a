import type { TaskLogger, TaskLogLevel } from './task-event.interface.js';

/** Builds the `TaskLogger` methods (Nest `LoggerService` names) from one function per level. */
export function taskLoggerMethods<R>(at: (level: TaskLogLevel) => (message: unknown) => R): TaskLogger<R> {
  return {
    debug: at('debug'),
    verbose: at('verbose'),
    info: at('info'),
    log: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  };
}
