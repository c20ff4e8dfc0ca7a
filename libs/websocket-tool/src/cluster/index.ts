export { Backplane, type BackplaneState, type BackplaneStatus } from './backplane.interface.js';
export { InMemoryBackplane } from './in-memory.backplane.js';
