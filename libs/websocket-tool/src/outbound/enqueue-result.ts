export type { EnqueueOutcome } from '../connection/enqueue-outcome.js';
