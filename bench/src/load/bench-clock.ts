/**
 * The load generator's monotonic clock in whole microseconds. Senders stamp
 * payloads with it and receivers in the same process compare against it, so
 * latencies never mix clocks.
 */
export const nowUs = (): number => Math.round(performance.now() * 1000);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
