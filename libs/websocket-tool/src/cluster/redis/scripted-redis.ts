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
