import { describe, expect, it } from 'vitest';
import type { ClusterAdmission } from './cluster-admission.js';
import { InMemoryClusterAdmission } from './in-memory-cluster-admission.js';

describe('InMemoryClusterAdmission', () => {
  it('never answers, synchronously: the single node’s own bucket decides', () => {
    const admission: ClusterAdmission = new InMemoryClusterAdmission();
    expect(admission.admit('10.0.0.1', 1, 1)).toBeNull();
  });
});
