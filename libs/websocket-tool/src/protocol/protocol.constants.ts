/** Prefix of the message types the library reserves for itself. */
export const RESERVED_TYPE_PREFIX = 'system.';
