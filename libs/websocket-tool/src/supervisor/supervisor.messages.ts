/** Log texts of the supervisor. */

export const loopRestartedMessage = (name: string, reason: string): string =>
  `Background loop "${name}" had stopped (${reason}); the supervisor restarted it.`;
