import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { ClusterTopicPresence, type TopicPresenceListener } from './cluster-topic-presence.js';
import type { PresenceMember, PresenceStats } from './presence-member.js';

interface TopicMembers {
  members: Map<string, PresenceMember>;
  /** Members per user, so the count of users costs nothing to read. */
  users: Map<string, number>;
}

/** A single node: the members are in memory and every change is told at once. @internal */
export class InMemoryClusterTopicPresence extends ClusterTopicPresence {
  readonly node = 'local';
  private readonly topics = new Map<string, TopicMembers>();
  private readonly listeners: TopicPresenceListener[] = [];

  join(topic: string, member: PresenceMember): void {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { members: new Map(), users: new Map() };
      this.topics.set(topic, entry);
    }
    const previous = entry.members.get(member.clientId);
    entry.members.set(member.clientId, member);
    if (previous) {
      this.dropUser(entry, previous.userId);
      this.addUser(entry, member.userId);
      return;
    }
    this.addUser(entry, member.userId);
    for (const listener of this.listeners) listener.joined(topic, member, true);
  }

  leave(topic: string, clientId: string): void {
    const entry = this.topics.get(topic);
    const member = entry?.members.get(clientId);
    if (!entry || !member) return;
    entry.members.delete(clientId);
    this.dropUser(entry, member.userId);
    if (entry.members.size === 0) this.topics.delete(topic);
    for (const listener of this.listeners) listener.left(topic, member, true);
  }

  members(topic: string): Promise<PresenceMember[]> {
    return Promise.resolve([...(this.topics.get(topic)?.members.values() ?? [])]);
  }

  stats(topic: string): Promise<PresenceStats> {
    const entry = this.topics.get(topic);
    return Promise.resolve({ clients: entry?.members.size ?? 0, users: entry?.users.size ?? 0 });
  }

  subscribe(listener: TopicPresenceListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  private addUser(entry: TopicMembers, userId: string | null): void {
    if (userId !== null) entry.users.set(userId, (entry.users.get(userId) ?? 0) + 1);
  }

  private dropUser(entry: TopicMembers, userId: string | null): void {
    if (userId === null) return;
    const left = (entry.users.get(userId) ?? 1) - 1;
    if (left > 0) entry.users.set(userId, left);
    else entry.users.delete(userId);
  }
}
