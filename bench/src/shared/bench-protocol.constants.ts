/**
 * Constants shared by the orchestrator, the targets and the load generator.
 * Every process of a run reads them from here so the line formats agree.
 */

/** Key of the send timestamp (integer microseconds of the load generator's monotonic clock) in every payload. */
export const SEND_TIME_KEY = 'bt';

/** A target prints one JSON line with this key once it listens: `{"benchReady":{"port":1234}}`. */
export const READY_LINE_KEY = 'benchReady';

/** The load generator prints one JSON line with this key when it is done: `{"benchResult":{...}}`. */
export const RESULT_LINE_KEY = 'benchResult';

/** The only address anything in the benchmark listens on or connects to. */
export const BENCH_HOST = '127.0.0.1';

/** Path of the WebSocket endpoint for every `ws`-based target. */
export const WS_PATH = '/ws';

/** Topics with this prefix have presence in the `websocket-tool-presence*` targets. */
export const PRESENCE_TOPIC_PREFIX = 'pres:';

/** Topics with this prefix keep a history in the `websocket-tool-history` target (see `HISTORY_SIZE`). */
export const HISTORY_TOPIC_PREFIX = 'hist:';

/** Topics with this prefix send deltas to subscribers that ask in the `websocket-tool-history` target. */
export const DELTA_TOPIC_PREFIX = 'delta:';

/** Messages a history topic of the `websocket-tool-history` target keeps (at least the recovery scenario's `missed`). */
export const HISTORY_SIZE = 5000;

/** Name of the i-th topic of the topic scenario. */
export const topicName = (i: number): string => `t${i}`;
