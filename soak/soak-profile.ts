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
  /** Crash (SIGKILL) and reconnection storms of client-SDK clients, one per size; off unless asked for. */
  storm: { enabled: boolean; sizes: number[] };
  /** Run only these phases (`SOAK_ONLY`, e.g. `storm`); null runs them all. */
  only: string | null;
  /**
   * Cluster faults, each on a cluster of its own (a redis-server and sample-app nodes): Redis SIGKILLed and
   * restarted during a cross-node stream, then a node SIGKILLed (`SOAK_CLUSTER=0|1`, `SOAK_ONLY=cluster`).
   */
  cluster: {
    enabled: boolean;
    /** Sample-app nodes in each cluster. */
    nodes: number;
    /** Messages a second of each numbered stream. */
    ratePerSecond: number;
    /** Redis restart: subscribers of the stream on each node. */
    subscribersPerNode: number;
    /** Stream before the fault (after 2 s of warm-up): the baseline. */
    baselineSeconds: number;
    /**
     * Redis restart: how long Redis stays down at least (it comes back after the next round of the nodes'
     * reconnection attempts), and how long the stream goes on once it is back.
     */
    outageSeconds: number;
    recoverySeconds: number;
    /** Node kill: clients on each node. */
    clientsPerNode: number;
  };
  heartbeat: { intervalSeconds: number; timeoutSeconds: number };
  /** Seconds between memory samples (each after a forced GC in the server). */
  sampleEverySeconds: number;
}

/** The longest run the soak allows. */
export const MAX_MINUTES = 30;
/** Roughly what the phases other than churn take in the default profile, in seconds. */
const FIXED_SECONDS = 170;
/** Roughly what the two cluster fault tiers take, in seconds. */
const CLUSTER_SECONDS = 60;

const DEFAULT: SoakProfile = {
  name: 'default',
  hold: { connections: 10_000, seconds: 60 },
  churn: { held: 2_000, cycles: 50_000, minSeconds: 90, concurrency: 32 },
  slowConsumer: { megabytes: 50, fast: 10, slow: 5 },
  drain: { connections: 2_000 },
  storm: { enabled: false, sizes: [2_000, 5_000] },
  heartbeat: { intervalSeconds: 5, timeoutSeconds: 10 },
  sampleEverySeconds: 5,
  only: null,
  cluster: {
    enabled: true,
    nodes: 3,
    ratePerSecond: 300,
    subscribersPerNode: 4,
    baselineSeconds: 8,
    outageSeconds: 7,
    recoverySeconds: 10,
    clientsPerNode: 20,
  },
};

const CI: SoakProfile = {
  ...DEFAULT,
  name: 'ci',
  hold: { connections: 2_000, seconds: 15 },
  churn: { held: 500, cycles: 10_000, minSeconds: 30, concurrency: 16 },
  slowConsumer: { megabytes: 10, fast: 4, slow: 2 },
  sampleEverySeconds: 3,
  cluster: { ...DEFAULT.cluster, baselineSeconds: 4, outageSeconds: 2, recoverySeconds: 5, clientsPerNode: 10 },
};

/**
 * The profile from the environment: `SOAK_PROFILE=ci` for the short run,
 * `SOAK_MINUTES=<n>` (up to 30) to stretch the churn phase so the whole run
 * takes about n minutes, `SOAK_STORM=1` to add the crash and reconnection storms,
 * `SOAK_STORM_CLIENTS=2000,5000` for their sizes, `SOAK_ONLY=storm` to run
 * nothing else. `SOAK_CLUSTER=0` leaves the cluster faults out, `SOAK_CLUSTER=1` adds them
 * where the profile has them off, `SOAK_ONLY=cluster` runs nothing else.
 */
export function soakProfile(env: NodeJS.ProcessEnv = process.env): SoakProfile {
  const base = env.SOAK_PROFILE === 'ci' ? CI : DEFAULT;
  const only = env.SOAK_ONLY ? env.SOAK_ONLY : null;
  const profile: SoakProfile = {
    ...base,
    storm: {
      enabled: env.SOAK_STORM === '1' || env.SOAK_STORM === 'true' || only === 'storm',
      sizes: env.SOAK_STORM_CLIENTS ? stormSizes(env.SOAK_STORM_CLIENTS) : base.storm.sizes,
    },
    only,
  };
  profile.cluster = { ...base.cluster, enabled: clusterEnabled(base, only, env.SOAK_CLUSTER) };
  if (env.SOAK_MINUTES !== undefined && env.SOAK_MINUTES !== '') {
    const minutes = Number(env.SOAK_MINUTES);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_MINUTES) {
      throw new Error(`SOAK_MINUTES must be a number of minutes from 1 to ${MAX_MINUTES}; got "${env.SOAK_MINUTES}".`);
    }
    const churnSeconds = Math.round(minutes * 60 - FIXED_SECONDS - (profile.cluster.enabled ? CLUSTER_SECONDS : 0));
    if (churnSeconds > profile.churn.minSeconds) {
      profile.name = 'long';
      profile.churn = { ...profile.churn, minSeconds: churnSeconds };
      profile.sampleEverySeconds = Math.max(profile.sampleEverySeconds, Math.round(churnSeconds / 120));
    }
  }
  return profile;
}

/** The storm sizes of `SOAK_STORM_CLIENTS` (comma-separated client counts). */
function stormSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000)) {
    throw new Error(`SOAK_STORM_CLIENTS must list client counts from 1 to 20000, separated by commas; got "${text}".`);
  }
  return sizes;
}

/**
 * Cluster faults: as `SOAK_CLUSTER` says (0 or 1), else on with `SOAK_ONLY` (its name filter picks them or
 * not), else as the profile says.
 */
function clusterEnabled(base: SoakProfile, only: string | null, flag: string | undefined): boolean {
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return only !== null || base.cluster.enabled;
}
