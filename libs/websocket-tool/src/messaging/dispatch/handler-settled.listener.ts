/**
 * Told how long each handler call took, from its start to its settling
 * (value, rejection or exception). Metrics implement it; the default listens
 * to nothing, and while `listening` is false the dispatch reads no clock.
 *
 * @internal
 */
export abstract class HandlerSettledListener {
  /** False while nothing is recorded: handler calls are then not timed at all. */
  abstract readonly listening: boolean;
  /** A handler for `type` settled after `ms` milliseconds. */
  abstract handlerSettled(type: string, ms: number): void;
}

/** The listener when none is provided: times nothing. */
export const NO_HANDLER_SETTLED_LISTENER: HandlerSettledListener = {
  listening: false,
  handlerSettled: () => undefined,
};
