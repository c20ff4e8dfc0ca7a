/**
 * Told how long each frame waited in its queue before it was written.
 * Metrics implement it; the default listens to nothing, and while
 * `listening` is false the writers read no clock.
 *
 * @internal
 */
export abstract class FrameWrittenListener {
  /** False while nothing is recorded: frames are then not timed at all. */
  abstract readonly listening: boolean;
  /** A frame was written after waiting `waitMs` milliseconds in its queue. */
  abstract frameWritten(waitMs: number): void;
}

/** The listener when none is provided: times nothing. */
export const NO_FRAME_WRITTEN_LISTENER: FrameWrittenListener = {
  listening: false,
  frameWritten: () => undefined,
};
