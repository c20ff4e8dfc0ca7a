import type { Type } from '@nestjs/common';
import { isPackageMissing } from './optional-peer.js';

/** What the library calls on `@nestjs/event-emitter`'s `EventEmitter2`. @internal */
export interface AppEventEmitter {
  emit(event: string, ...values: unknown[]): boolean;
}

/**
 * `@nestjs/event-emitter` is an optional peer: this is the only place that
 * loads it, once, when the library is loaded. Its `EventEmitter2` class is the
 * token the lifecycle events inject (optionally); a placeholder symbol when the
 * package is not installed, which nothing provides.
 *
 * @internal
 */
export const APP_EVENT_EMITTER: Type | symbol = await import('@nestjs/event-emitter').then(
  (m): Type | symbol => m.EventEmitter2 as Type,
  (error: unknown) => {
    if (isPackageMissing(error, '@nestjs/event-emitter')) return Symbol('no @nestjs/event-emitter');
    throw error;
  },
);
