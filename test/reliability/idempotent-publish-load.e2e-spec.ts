import { afterAll, beforeAll, describe, it } from 'vitest';
import { RetriedPublishCluster } from '../fixtures/idempotent-publish.fixture.js';

/** The full figure of the delivery docs (the regular run tries 10,000, see `idempotent-publish.e2e-spec.ts`). */
const PUBLISHES = 100_000;
const TRIES = 3;

describe('idempotent publish at full scale, three nodes on one Redis', () => {
  let cluster: RetriedPublishCluster;
  beforeAll(async () => {
    cluster = await RetriedPublishCluster.start('idempotent-load');
  });
  afterAll(() => cluster.close());

  it(`${PUBLISHES.toLocaleString('en')} publishes, each tried ${TRIES} times on random nodes after random delays: every subscriber gets each once`, async () => {
    await cluster.publishWithRetries(PUBLISHES, TRIES);
  }, 110_000);
});
