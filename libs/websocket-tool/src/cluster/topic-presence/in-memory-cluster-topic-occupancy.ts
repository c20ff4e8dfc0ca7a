import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { ClusterTopicOccupancy, type TopicOccupancyListener } from './cluster-topic-occupancy.js';

/** A single node: this node's first and last subscribers are the cluster's. @internal */
export class InMemoryClusterTopicOccupancy extends ClusterTopicOccupancy {
  private readonly listeners: TopicOccupancyListener[] = [];

  nodeOccupied(topic: string): void {
    for (const listener of this.listeners) listener.occupied(topic);
  }

  nodeVacated(topic: string): void {
    for (const listener of this.listeners) listener.vacated(topic);
  }

  subscribe(listener: TopicOccupancyListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }
}
