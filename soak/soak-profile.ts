/** Sizes and durations of one soak run. */
export interface SoakProfile {
  /** `default` (a few minutes), `ci` (under two minutes) or `long` (SOAK_MINUTES above the default). */
  name: 'default' | 'ci' | 'long';
  /** 10,000 connections held with heartbeat on, memory read at 10 s and at the end. */
  hold: { connections: number; seconds: number };
  /** Held connections plus connect/send/disconnect cycles, with steady traffic; the heap is sampled throughout. */
  churn: { held: number; cycles: number; minSeconds: number; concurrency: number };
  /** Megabytes streamed to every subscriber, to fast and slow (never reading) consumers. */
  slowConsumer: { megabytes: number; fast: number; slow: number };
  /** Clients connected when SIGTERM arrives. */
  drain: { connections: number };
  /** Crash (SIGKILL) and reconnection storm of client-SDK clients; off unless asked for. */
  storm: { enabled: boolean; connections: number };
  heartbeat: { intervalSeconds: number; timeoutSeconds: number };
  /** Seconds between memory samples (each after a forced GC in the server). */
  sampleEverySeconds: number;
}

/** The longest run the soak allows. */
export const MAX_MINUTES = 30;
/** Roughly what the phases other than churn take in the default profile, in seconds. */
const FIXED_SECONDS = 170;

const DEFAULT: SoakProfile = {
  name: 'default',
  hold: { connections: 10_000, seconds: 60 },
  churn: { held: 2_000, cycles: 50_000, minSeconds: 90, concurrency: 32 },
  slowConsumer: { megabytes: 50, fast: 10, slow: 5 },
  drain: { connections: 2_000 },
  storm: { enabled: false, connections: 2_000 },
  heartbeat: { intervalSeconds: 5, timeoutSeconds: 10 },
  sampleEverySeconds: 5,
};

const CI: SoakProfile = {
  ...DEFAULT,
  name: 'ci',
  hold: { connections: 2_000, seconds: 15 },
  churn: { held: 500, cycles: 10_000, minSeconds: 30, concurrency: 16 },
  slowConsumer: { megabytes: 10, fast: 4, slow: 2 },
  sampleEverySeconds: 3,
};

/**
 * The profile from the environment: `SOAK_PROFILE=ci` for the short run,
 * `SOAK_MINUTES=<n>` (up to 30) to stretch the churn phase so the whole run
 * takes about n minutes, `SOAK_STORM=1` to add the crash and reconnection storm.
 */
export function soakProfile(env: NodeJS.ProcessEnv = process.env): SoakProfile {
  const base = env.SOAK_PROFILE === 'ci' ? CI : DEFAULT;
  const profile: SoakProfile = { ...base, storm: { ...base.storm, enabled: env.SOAK_STORM === '1' || env.SOAK_STORM === 'true' } };
  if (env.SOAK_MINUTES !== undefined && env.SOAK_MINUTES !== '') {
    const minutes = Number(env.SOAK_MINUTES);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_MINUTES) {
      throw new Error(`SOAK_MINUTES must be a number of minutes from 1 to ${MAX_MINUTES}; got "${env.SOAK_MINUTES}".`);
    }
    const churnSeconds = Math.round(minutes * 60 - FIXED_SECONDS);
    if (churnSeconds > profile.churn.minSeconds) {
      profile.name = 'long';
      profile.churn = { ...profile.churn, minSeconds: churnSeconds };
      profile.sampleEverySeconds = Math.max(profile.sampleEverySeconds, Math.round(churnSeconds / 120));
    }
  }
  return profile;
}
