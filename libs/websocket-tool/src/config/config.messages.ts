/** Error texts of the settings, each naming the variable or option that is wrong and the rule it breaks. */

/** A value as error messages show it: text quoted, at most 80 characters. */
export const showValue = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

export const invalidSettingMessage = (source: string, value: unknown, rule: string, where?: string): string =>
  `${source}=${showValue(value)}${where ? ` (${where})` : ''} is invalid: it must be ${rule}.`;

export const unknownOptionMessage = (key: string): string =>
  `option "${key}" is not a WebSocketTool option; check its spelling against docs/configuration.md.`;

export const invalidTaskMonitorOptionMessage = (path: string, rule: string): string => `option "${path}" is invalid: it must be ${rule}.`;

export const invalidClusterOptionMessage = (path: string, value: unknown, rule: string): string =>
  `option "cluster.${path}"=${showValue(value)} is invalid: it must be ${rule}.`;

/** Heads the one error that lists every invalid cluster option. */
export const invalidClusterOptionsMessage = (problems: readonly string[]): string =>
  'WebSocketTool cluster options are invalid:\n  - ' + problems.join('\n  - ');

export const websocketToolConfigFactoryMessage = (): string =>
  'websocketToolConfig is registered by WebSocketToolModule once the settings are resolved; ' +
  'remove it from ConfigModule.forRoot({ load }) and inject websocketToolConfig.KEY or read configService.get("websocketTool").';

export const invalidTopicOptionMessage = (path: string, value: unknown, rule: string): string =>
  `option "${path}"=${showValue(value)} is invalid: it must be ${rule}.`;

export const invalidOverflowOptionMessage = (path: string, value: unknown, rule: string): string =>
  `option "${path}"=${showValue(value)} is invalid: it must be ${rule}.`;
