export * from './stats.dto.js';
export * from './health.dto.js';
export * from './clients.dto.js';
export * from './send-message.dto.js';
export * from './info.dto.js';
export * from './broadcast.dto.js';
