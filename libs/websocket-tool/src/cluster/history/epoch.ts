import { randomBytes } from 'node:crypto';

/** A new epoch: 8 random base36 characters, naming one history. @internal */
export function newEpoch(): string {
  const bytes = randomBytes(8);
  let text = '';
  for (const byte of bytes) text += (byte % 36).toString(36);
  return text;
}
