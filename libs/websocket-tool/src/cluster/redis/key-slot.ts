/**
 * The Redis Cluster hash slot of a key or channel: CRC16 (XMODEM) of its
 * hash tag (the text between the first `{` and the next `}`, when not empty)
 * or of the whole name, modulo 16384. The same function Redis uses, so the
 * slot shown in the admin API is the one Redis serves the name from.
 *
 * @internal
 */
export const SLOTS = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC16-XMODEM of the UTF-8 bytes of `text`. @internal */
export function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/** The hash slot Redis Cluster serves `name` from. @internal */
export function keySlot(name: string): number {
  const open = name.indexOf('{');
  if (open !== -1) {
    const close = name.indexOf('}', open + 1);
    if (close > open + 1) return crc16(name.slice(open + 1, close)) % SLOTS;
  }
  return crc16(name) % SLOTS;
}
