import type { MessageHandler, Unsubscribe, WsMessage } from './message.interface.js';

/** The type that receives every message. @publicApi */
export const WILDCARD = '*';

interface Entry {
  handler: MessageHandler;
  once: boolean;
}

/**
 * Handlers per message type, plus `*` for all. Each call is isolated: a
 * handler that throws (or whose promise rejects) is reported and the others
 * still run.
 */
export class HandlerRegistry {
  private readonly byType = new Map<string, Entry[]>();

  constructor(private readonly report: (error: unknown, message: WsMessage) => void) {}

  add(type: string, handler: MessageHandler, once: boolean): Unsubscribe {
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('A handler needs a non-empty message type (or "*").');
    if (typeof handler !== 'function') throw new TypeError(`The handler for "${type}" must be a function.`);
    const entry: Entry = { handler, once };
    const list = this.byType.get(type);
    if (list) list.push(entry);
    else this.byType.set(type, [entry]);
    return () => this.removeEntry(type, entry);
  }

  /** Removes one handler, or every handler of `type` when `handler` is omitted. */
  remove(type: string, handler?: MessageHandler): void {
    if (!handler) {
      this.byType.delete(type);
      return;
    }
    const list = this.byType.get(type);
    const index = list?.findIndex((e) => e.handler === handler) ?? -1;
    if (list && index !== -1) this.removeEntry(type, list[index]);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  dispatch(message: WsMessage): void {
    // Snapshots, so handlers that add or remove handlers do not change this dispatch.
    const exact = this.byType.get(message.type)?.slice() ?? [];
    const wildcard = message.type === WILDCARD ? [] : (this.byType.get(WILDCARD)?.slice() ?? []);
    for (const [type, entries] of [
      [message.type, exact],
      [WILDCARD, wildcard],
    ] as const) {
      for (const entry of entries) {
        if (entry.once) this.removeEntry(type, entry);
        try {
          const result = entry.handler(message);
          if (result && typeof (result as Promise<void>).then === 'function') {
            (result as Promise<void>).then(undefined, (error: unknown) => this.report(error, message));
          }
        } catch (error) {
          this.report(error, message);
        }
      }
    }
  }

  private removeEntry(type: string, entry: Entry): void {
    const list = this.byType.get(type);
    if (!list) return;
    const index = list.indexOf(entry);
    if (index === -1) return;
    list.splice(index, 1);
    if (list.length === 0) this.byType.delete(type);
  }
}
