import type { ClientLogger } from './client-logger.interface.js';
import type { ClientState, ClientStateEvent } from './client-state.interface.js';
import type { Unsubscribe } from './message.interface.js';

/** The client's connection state and the listeners of its changes (`onState`). */
export class StateChannel {
  private readonly listeners = new Set<(event: ClientStateEvent) => void>();
  /** The state now; set without an event where the event differs from the state (a `closed` before `reconnecting`). */
  current: ClientState = 'idle';

  constructor(private readonly logger: ClientLogger) {}

  listen(listener: (event: ClientStateEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves to the event's state and tells the listeners. */
  set(event: ClientStateEvent): void {
    this.current = event.state;
    this.emit(event);
  }

  /** Tells the listeners; one that throws is logged and the others still run. */
  emit(event: ClientStateEvent): void {
    for (const listener of Array.from(this.listeners)) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`A state listener threw on "${event.state}".`, error);
      }
    }
  }
}
