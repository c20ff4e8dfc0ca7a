/** One bad setting. */
export interface ResolvedSettingsError {
  /** The env var or option the value came from. */
  source: string;
  value: unknown;
  message: string;
}

/**
 * Thrown at boot when a setting is invalid; Nest stops start-up with its
 * message, which lists every bad setting.
 *
 * @publicApi
 */
export class SettingsValidationError extends Error {
  constructor(readonly problems: readonly ResolvedSettingsError[]) {
    super('WebSocketTool settings are invalid:\n' + problems.map((p) => '  - ' + p.message).join('\n'));
    this.name = 'SettingsValidationError';
  }
}
