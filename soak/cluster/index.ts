export { runNodeKill } from './node-kill.js';
export { runRedisRestart } from './redis-restart.js';
export type { TierOutcome } from './tier-outcome.js';
