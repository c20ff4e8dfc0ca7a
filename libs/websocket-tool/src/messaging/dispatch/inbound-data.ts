/** What `ws` hands over for one frame (a `Buffer[]` when it arrived in fragments). */
export type InboundData = Buffer | ArrayBuffer | Buffer[];

/** Bytes of a frame's payload. */
export function frameSize(data: InboundData): number {
  if (!Array.isArray(data)) return data.byteLength;
  let size = 0;
  for (const part of data) size += part.length;
  return size;
}
