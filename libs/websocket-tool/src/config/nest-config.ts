import type { Type } from '@nestjs/common';
import { isPackageMissing } from './optional-peer.js';

/**
 * `@nestjs/config` is an optional peer: this is the only place that loads it,
 * once, when the library is loaded. Its `ConfigService` class is the token the
 * settings provider injects (optionally); undefined when the package is not
 * installed, and then the settings come from process.env alone.
 */
export const NestConfigService: Type | undefined = await import('@nestjs/config').then(
  (m) => m.ConfigService as Type,
  (error: unknown) => {
    if (isPackageMissing(error, '@nestjs/config')) return undefined;
    throw error;
  },
);

/**
 * `@nestjs/config`'s global token of the configuration object that
 * `ConfigService.get()` reads first (where `ConfigModule` merges `load` and
 * `forFeature` factories). Not exported by the package; the settings provider
 * injects it optionally to register the `websocketTool` namespace there.
 */
export const NEST_CONFIGURATION_TOKEN = 'CONFIGURATION_TOKEN';
