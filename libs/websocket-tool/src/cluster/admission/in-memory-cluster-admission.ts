import { ClusterAdmission } from './cluster-admission.js';

/** A single node: its own bucket is the whole cluster's, so the shared one never answers. @internal */
export class InMemoryClusterAdmission extends ClusterAdmission {
  admit(): null {
    return null;
  }
}
