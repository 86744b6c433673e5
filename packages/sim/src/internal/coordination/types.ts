import type { Address } from '../types.ts';

/**
 * How `create` makes a znode.
 * - `persistent`: stays until deleted.
 * - `ephemeral`: deleted by the service when the session that created it ends (closed or
 *   expired). Ephemeral znodes cannot have children.
 * - `*-sequential`: the service appends a 10-digit counter to the name (`/lock/n-` becomes
 *   `/lock/n-0000000007`), taken from the parent, so names under one parent increase in order
 *   of creation.
 */
export type CreateMode = 'persistent' | 'ephemeral' | 'persistent-sequential' | 'ephemeral-sequential';

/**
 * Why a call failed, as ZooKeeper names it.
 * - `NONODE`: the znode (or, for `create`, its parent) does not exist.
 * - `NODEEXISTS`: `create` found a znode with that name.
 * - `BADVERSION`: the znode's version is not the one you expected.
 * - `NOTEMPTY`: `delete` of a znode that has children.
 * - `NOCHILDRENFOREPHEMERALS`: `create` under an ephemeral znode.
 * - `BADARGUMENTS`: a path the service refuses, such as deleting `/`.
 * - `CONNECTIONLOSS`: the connection broke before the answer came. The call may or may not
 *   have happened, but if it did, it happened before any call you make after hearing this. The
 *   session may still be alive, and the client is reconnecting.
 * - `SESSIONEXPIRED`: the session is over. The service has deleted its ephemeral znodes and
 *   dropped its watches; this client will not work again: connect a new one.
 */
export type ZkErrorCode =
  | 'NONODE'
  | 'NODEEXISTS'
  | 'BADVERSION'
  | 'NOTEMPTY'
  | 'NOCHILDRENFOREPHEMERALS'
  | 'BADARGUMENTS'
  | 'CONNECTIONLOSS'
  | 'SESSIONEXPIRED';

/** A znode's metadata. Zxids are the service's transaction numbers: they order every write. */
export interface Stat {
  /** Zxid of the write that created it. */
  czxid: number;
  /** Zxid of the last write to its data. */
  mzxid: number;
  /** Zxid of the last change to its children. */
  pzxid: number;
  /** Service time it was created, in ms. */
  ctime: number;
  /** Service time its data last changed, in ms. */
  mtime: number;
  /** Number of changes to its data: what `setData` and `delete` compare. */
  version: number;
  /** Number of changes to its children. */
  cversion: number;
  /** The session that owns it if it is ephemeral, else 0. */
  ephemeralOwner: number;
  /** Length of its data, in characters. */
  dataLength: number;
  /** How many children it has. */
  numChildren: number;
}

/** What happened to a watched znode. */
export type EventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

/** A watch firing: `type` happened at `path`. It says that something changed, not what is there now. */
export interface WatchedEvent {
  /** What happened. */
  type: EventType;
  /** The watched znode's path. */
  path: string;
}

/**
 * Called once, when what it watches changes. A watch is one-time: to keep watching, set it
 * again with the next read. Changes made between the event and your next read are not reported
 * separately, so read the znode again to see its state.
 *
 * A watch is set only when its call succeeds: a call that fails (`CONNECTIONLOSS` included)
 * sets none. A set watch survives connection loss: the client sets it again when it reconnects,
 * and it fires then if its znode changed meanwhile. The same function set on one path by several
 * calls is called once per event. Watchers hear only of znodes; the session's own changes go to
 * `onStateChange`, and an expired session's watches never fire.
 */
export type Watcher = (event: WatchedEvent) => void;

/**
 * - `connecting`: opening the session (no call has been answered yet).
 * - `connected`: the session is open and the connection works.
 * - `disconnected`: the connection broke; the client is reconnecting. The session may still be
 *   alive, or may expire before the client gets through: until it knows, it cannot tell.
 * - `expired`: the service ended the session (it did not hear from the client for the session
 *   timeout). Its ephemeral znodes are gone. Final.
 * - `closed`: `close` ended the session. Final.
 */
export type SessionState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

/**
 * Node-style callback, typed as Node's own are (`fs.readFile`): `error` is `null` and `value`
 * is the answer, or `error` says why and `value` is `undefined`. Check `error` first.
 */
export type ZkCallback<T> = (error: ZkErrorCode | null, value: T) => void;

/** The callback of `getData`: the znode's data and its `Stat` (both `undefined` when `error` is set). */
export type DataCallback = (error: ZkErrorCode | null, data: string, stat: Stat) => void;

/** Options of `connectZooKeeper`. */
export interface ZooKeeperOptions {
  /** Address of the coordination service's node. */
  server: Address;
  /**
   * How long the service keeps the session when it hears nothing from this client, in ms. The
   * service may narrow it to its own bounds; `sessionTimeoutMs` on the client says what it
   * granted. Default 1,000.
   */
  sessionTimeoutMs?: number;
  /** Called on every change of `state`, after the change. */
  onSessionState?: (state: SessionState) => void;
}

/**
 * A session with the coordination service, in ZooKeeper's terms. Calls are asynchronous: the
 * callback runs when the answer arrives, never before the call returns (and no listener runs
 * inside `connectZooKeeper` either). Calls are answered in the order they were made, calls made
 * before the session opens or while it reconnects wait and are sent when it is back, and a watch
 * event reaches you before any answer that reflects the change it reports. A path that is not a
 * znode path (`/a/b`), data that is not a string or a mode that does not exist throws a
 * `TypeError` at the call.
 */
export interface ZooKeeper {
  /** Where the session is; see `SessionState`. */
  readonly state: SessionState;
  /** The session's id once the service has opened it, else 0. Ephemeral znodes carry it as `ephemeralOwner`. */
  readonly sessionId: number;
  /** The session timeout the service granted (the requested one until it has answered), in ms. */
  readonly sessionTimeoutMs: number;
  /**
   * Calls `listener` on every later change of `state`, after the change (as `onSessionState`
   * does). A lock or a leader must listen: it makes no calls while it holds, so only this tells
   * it that its session expired.
   */
  onStateChange(listener: (state: SessionState) => void): void;
  /**
   * Hands the client a message your node received. Returns true if it was the service's (then
   * it is handled: do nothing more with it), false if it is for your own code. It takes every
   * message from the service, so a node that opens a new session hands messages to the new
   * client only.
   */
  receive(from: Address, body: unknown): boolean;
  /**
   * Creates a znode at `path` with `data`. The callback gets the path actually created: with a
   * `*-sequential` mode, `path` plus the 10-digit counter. Errors: `NODEEXISTS` (also for `/`),
   * `NONODE` (no parent), `NOCHILDRENFOREPHEMERALS`.
   */
  create(path: string, data: string, mode: CreateMode, callback: ZkCallback<string>): void;
  /**
   * Deletes the znode if its version is `version` (-1 matches any). Errors: `NONODE`,
   * `BADVERSION`, `NOTEMPTY`, `BADARGUMENTS` (for `/`).
   */
  delete(path: string, version: number, callback: ZkCallback<void>): void;
  /**
   * The znode's `Stat`, or `null` if there is none. With a `watcher`, it is called when the znode
   * is created, deleted or its data changes, whether or not it exists now.
   */
  exists(path: string, watcher: Watcher | null, callback: ZkCallback<Stat | null>): void;
  /** The znode's data and `Stat`. With a `watcher`: called when its data changes or it is deleted. Errors: `NONODE`. */
  getData(path: string, watcher: Watcher | null, callback: DataCallback): void;
  /**
   * Replaces the data if the znode's version is `version` (-1 matches any): a compare-and-set.
   * The callback gets the new `Stat`. Errors: `NONODE`, `BADVERSION`.
   */
  setData(path: string, data: string, version: number, callback: ZkCallback<Stat>): void;
  /**
   * The names (not paths) of the znode's children, sorted. With a `watcher`: called when a child
   * is created or deleted, or the znode itself is deleted. Errors: `NONODE`.
   */
  getChildren(path: string, watcher: Watcher | null, callback: ZkCallback<string[]>): void;
  /** Answers once every write the service had applied when it received the call is visible to this client. */
  sync(path: string, callback: ZkCallback<void>): void;
  /**
   * Ends the session: the service deletes its ephemeral znodes. When the client is not
   * connected, or the close is lost on the way, the session ends only when it expires. Calls
   * still waiting get `CONNECTIONLOSS`; calls after this throw an `Error`.
   */
  close(): void;
}
