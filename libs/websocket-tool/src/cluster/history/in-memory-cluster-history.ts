import { NO_SUBSCRIPTION, type Unsubscribe } from '../cluster-listener.js';
import { ClusterHistory, type ClusterHistoryRead, type HistoryTop } from './cluster-history.js';

const NOT_SHARED = <T = ClusterHistoryRead>(): Promise<T> =>
  Promise.reject(new Error('Topic history is kept in memory on a single node, not through the cluster seam.'));

/** A single node: history stays in the node's memory (`TopicHistoryStore`); nothing is shared. @internal */
export class InMemoryClusterHistory extends ClusterHistory {
  readonly shared = false;

  publish(): boolean {
    return false;
  }

  resume(): Promise<ClusterHistoryRead> {
    return NOT_SHARED();
  }

  read(): Promise<ClusterHistoryRead> {
    return NOT_SHARED();
  }

  keepLatest(): void {}

  latest(): Promise<string | null> {
    return NOT_SHARED();
  }

  keptMessages(): Promise<number> {
    return NOT_SHARED();
  }

  tops(): Promise<Array<HistoryTop | null>> {
    return NOT_SHARED();
  }

  subscribe(): Unsubscribe {
    return NO_SUBSCRIPTION;
  }

  watchLink(): Unsubscribe {
    return NO_SUBSCRIPTION;
  }
}
