import type { Redis } from 'ioredis';

/** The publishing connection, with the Lua scripts of `cluster-scripts.ts` defined on it. @internal */
export type ScriptedRedis = Redis & {
  wstIpAdmit(key: string, capacity: number, ratePerMs: number, ttlMs: number): Promise<[number, number]>;
  wstRefresh(nodesKey: string, clientsKey: string, nodeId: string, ttlMs: number): Promise<string[]>;
  wstJoin(clientsKey: string, clientId: string, entry: string, ttlMs: number, channel: string, message: string): Promise<unknown>;
  wstLeave(clientsKey: string, clientId: string, channel: string, message: string): Promise<unknown>;
  wstMailboxKeep(
    listKey: string,
    droppedKey: string,
    json: string,
    size: number,
    ttlMs: number,
    channel: string,
    notice: string,
  ): Promise<number>;
  wstPresenceJoin(
    members: string,
    expiry: string,
    users: string,
    topics: string,
    clientId: string,
    member: string,
    userId: string,
    ttlMs: number,
    channel: string,
    message: string,
    topic: string,
  ): Promise<number>;
  wstPresenceLeave(
    members: string,
    expiry: string,
    users: string,
    topics: string,
    clientId: string,
    node: string,
    channel: string,
    head: string,
    topic: string,
  ): Promise<number>;
  wstPresenceRefresh(members: string, expiry: string, users: string, ttlMs: number, ...clientIds: string[]): Promise<string[]>;
  wstPresenceSweep(topics: string, prefix: string, channel: string, head: string, limit: number): Promise<number>;
  wstPresenceRead(
    members: string,
    prefix: string,
    channel: string,
    head: string,
    limit: number,
    topic: string,
    mode: 'm' | 's',
  ): Promise<unknown>;
  wstOccupancyAdd(
    topicKey: string,
    nodeKey: string,
    nodesKey: string,
    markKey: string,
    node: string,
    topic: string,
    mark: string,
    freshMark: string,
  ): Promise<[-1 | 0 | 1, string]>;
  wstOccupancyRemove(topicKey: string, nodeKey: string, markKey: string, node: string, topic: string, mark: string): Promise<number>;
  wstOccupancyCheck(nodeKey: string, markKey: string): Promise<[string, number]>;
  wstOccupancyReconcile(
    nodeKey: string,
    nodesKey: string,
    markKey: string,
    node: string,
    prefix: string,
    knownMark: string,
    freshMark: string,
    judged: number,
    ...topicsAndStates: string[]
  ): Promise<[string, 0 | 1, string[], string[]]>;
  wstOccupancySweep(occupancyNodes: string, liveNodes: string, markKey: string, prefix: string, mark: string): Promise<string[]>;
  wstMailboxTake(listKey: string, droppedKey: string): Promise<Array<string | number>>;
  wstHistoryPublish(
    metaKey: string,
    streamKey: string,
    indexKey: string,
    freshEpoch: string,
    ttlMs: number,
    size: number,
    channel: string,
    head: string,
    mid: string,
    tail: string,
    wireHead: string,
  ): Promise<number>;
  wstHistoryCount(indexKey: string, maxStreams: number): Promise<[number, number]>;
  wstHistoryRead(
    metaKey: string,
    streamKey: string,
    freshEpoch: string,
    ttlMs: number,
    size: number,
    mode: 'r' | 'a',
    since: string,
    sinceEpoch: string,
    latest: '0' | '1',
  ): Promise<[string, number, number, ...string[]]>;
};
