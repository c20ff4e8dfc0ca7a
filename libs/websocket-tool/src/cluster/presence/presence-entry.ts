/** A presence entry as stored in a node's client hash: connection time and whether the id is named. @internal */
export function presenceEntry(at: number, named: boolean): string {
  return `{"at":${at},"n":${named}}`;
}

/** Reads a presence entry; null when it is not one. @internal */
export function parsePresenceEntry(raw: string): { at: number; named: boolean } | null {
  try {
    const value = JSON.parse(raw) as { at?: unknown; n?: unknown };
    return typeof value.at === 'number' && typeof value.n === 'boolean' ? { at: value.at, named: value.n } : null;
  } catch {
    return null;
  }
}
