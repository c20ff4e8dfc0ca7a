/** Stops a listener registered with a seam's `subscribe`. @internal */
export type Unsubscribe = () => void;

/** Adds `listener` to `listeners` and returns the function that removes it. @internal */
export function addListener<L>(listeners: L[], listener: L): Unsubscribe {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/** The unsubscribe of a seam that never calls its listeners (a single node). @internal */
export const NO_SUBSCRIPTION: Unsubscribe = () => undefined;
