import type { Provider } from '@nestjs/common';
import { HandshakeAdmission } from './handshake-admission.js';
import { MessageAdmission } from './message-admission.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** The rate-limit policy: message and handshake admission, and the guard handlers can opt into. */
export const RATE_LIMIT_PROVIDERS: Provider[] = [MessageAdmission, HandshakeAdmission, RateLimitGuard];

/** What a feature module needs to use `@UseGuards(RateLimitGuard)`. */
export const RATE_LIMIT_EXPORTS = [MessageAdmission, RateLimitGuard];
