/**
 * The wire protocol between the client library and the coordination service. ZooKeeper runs
 * over TCP: one ordered stream per connection, and a lost packet breaks the connection. The
 * simulated network loses, duplicates and reorders messages, so both ends number what they send
 * on a connection (`xid` up, `seq` down), handle it in that order, and treat a gap that does not
 * fill as a broken connection. A new connection (`conn`) of the same session starts both
 * counters again.
 */
import type { CreateMode, EventType, Stat, ZkErrorCode } from './types.ts';

/** Tag on every protocol message, so a node can tell them from its own. */
export const ZK = 'zk' as const;

export type Operation =
  | { op: 'create'; path: string; data: string; mode: CreateMode }
  | { op: 'delete'; path: string; version: number }
  | { op: 'exists'; path: string; watch: boolean }
  | { op: 'getData'; path: string; watch: boolean }
  | { op: 'setData'; path: string; data: string; version: number }
  | { op: 'getChildren'; path: string; watch: boolean }
  | { op: 'sync'; path: string }
  | { op: 'ping' }
  | { op: 'close' };

/** Watches a reconnecting client still holds, for the service to set again (ZooKeeper's SetWatches). */
export interface WatchList {
  data: string[];
  exist: string[];
  child: string[];
}

export type ClientMessage =
  | {
      [ZK]: 'connect';
      /** 0 for a new session. */
      session: number;
      /** Random per client: lets the service recognise a repeated connect for a new session. */
      token: string;
      conn: number;
      timeoutMs: number;
      /** Highest zxid the client has seen: watches set again fire for changes after it. */
      lastZxid: number;
      watches: WatchList;
    }
  | { [ZK]: 'request'; session: number; conn: number; xid: number; request: Operation };

export type Result =
  | { path: string }
  | { stat: Stat | null }
  | { data: string; stat: Stat }
  | { children: string[] }
  | Record<string, never>;

export type ServerMessage =
  /** `token` is the connect's: a client without a session yet takes only a `connected` with its own. */
  | { [ZK]: 'connected'; session: number; token: string; conn: number; seq: number; timeoutMs: number; zxid: number }
  | { [ZK]: 'reply'; session: number; conn: number; seq: number; xid: number; zxid: number; error?: ZkErrorCode; result?: Result }
  | { [ZK]: 'watch'; session: number; conn: number; seq: number; zxid: number; event: EventType; path: string }
  /** Outside any stream: the session the client named is over. `token` when it answers a connect. */
  | { [ZK]: 'expired'; session: number; conn: number; token?: string };

export function isProtocolMessage(body: unknown): body is { [ZK]: string } {
  return typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>)[ZK] === 'string';
}

/** Why a path is not a valid znode path, or undefined when it is one. */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return `a znode path is a string, got ${typeof path}`;
  if (!path.startsWith('/')) return `a znode path starts with "/", got "${path}"`;
  if (path === '/') return undefined;
  if (path.endsWith('/')) return `a znode path does not end with "/", got "${path}"`;
  for (const part of path.slice(1).split('/')) {
    if (part === '') return `a znode path has no empty names ("//"), got "${path}"`;
    if (part === '.' || part === '..') return `a znode path has no "." or ".." names, got "${path}"`;
  }
  return undefined;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === 0 ? '/' : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
