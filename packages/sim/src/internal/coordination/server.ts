/**
 * The coordination service: one node that keeps a ZooKeeper-style tree of znodes, sessions and
 * watches. It stands for a whole ensemble: ZooKeeper replicates every write to a majority with
 * Zab and keeps serving while a majority is up, so its clients see one service that orders
 * every write. Modelling that as one logical server keeps what the recipes depend on (a total
 * order of writes, per-client FIFO, watch-before-data, sessions that expire) and leaves out
 * what they must not depend on anyway. One difference to know: here every read sees the latest
 * write, where a ZooKeeper follower may answer from slightly behind (which is why `sync`
 * exists). The tree and the sessions survive a crash of the node (they are in its storage);
 * connections and watches do not, as in ZooKeeper, whose clients reconnect and set their watches
 * again.
 */
import { recordServiceEvent } from '../hooks.ts';
import type { Address, Handlers, Node, NodeFactory } from '../types.ts';
import {
  ZK,
  isProtocolMessage,
  nameOf,
  parentOf,
  pathProblem,
  type ClientMessage,
  type Operation,
  type Result,
  type ServerMessage,
  type WatchList,
} from './protocol.ts';
import type { EventType, Stat, ZkErrorCode } from './types.ts';

/** Options of `zooKeeperServer`. */
export interface ZooKeeperServerOptions {
  /** Shortest session timeout the service grants, in ms; shorter requests get this. Default 100. */
  sessionTimeoutMsMin?: number;
  /** Longest session timeout the service grants, in ms. Default 60,000. */
  sessionTimeoutMsMax?: number;
  /**
   * Persistent znodes (empty data) that exist from the start, e.g. `["/locks", "/locks/grinder"]`,
   * parents before children: the setup an operator would have done before the clients start.
   */
  paths?: string[];
}

/** A znode as the service holds it, for tests to inspect. */
export interface ZnodeSnapshot {
  /** Its full path. */
  path: string;
  /** Its data. */
  data: string;
  /** Its metadata (a copy). */
  stat: Stat;
}

/** A session as the service sees it, for tests to inspect. */
export interface SessionSnapshot {
  /** The session's id, as clients and `ephemeralOwner` see it. */
  id: number;
  /** The node the session's client runs on. */
  client: Address;
  /** The session timeout the service granted, in ms. */
  timeoutMs: number;
  /** Open, or how it ended. */
  state: 'open' | 'expired' | 'closed';
  /** When it expired or was closed, by the service's clock in ms; absent while open. */
  endedAtMs?: number;
  /**
   * While open: when it will expire if the service hears nothing more from its client (the
   * last time it heard from it plus the timeout), by the service's clock in ms.
   */
  expiresAtMs?: number;
  /** Paths of its ephemeral znodes, sorted. */
  ephemerals: string[];
}

/** A coordination service to add to a simulation, and a window on its state for tests. */
export interface ZooKeeperServer {
  /** Add it with `sim.addNode(address, server.factory)`; clients name that address as `server`. */
  readonly factory: NodeFactory;
  /** Every znode, sorted by path (`/` first). */
  tree(): ZnodeSnapshot[];
  /** Every session ever opened, in order of id. */
  sessions(): SessionSnapshot[];
  /**
   * Ends an open session now, as if its timeout had passed (what ZooKeeper's own tests do to
   * force an expiry at a chosen moment). Does nothing to a session that is not open.
   */
  expireSession(id: number): void;
}

interface Znode {
  data: string;
  stat: Stat;
  children: Set<string>;
}

interface Session {
  id: number;
  client: Address;
  token: string;
  timeoutMs: number;
  state: 'open' | 'expired' | 'closed';
  endedAtMs?: number;
  ephemerals: Set<string>;
  lastHeardMs: number;
  expiryArmed: boolean;
  /** The connection the service answers on; 0 until the client connects (again, after a restart). */
  conn: number;
  nextXid: number;
  /** Requests that arrived ahead of a missing one. */
  early: Map<number, Operation>;
  nextSeq: number;
}

/** What the node keeps in storage: everything but connections and watches. */
interface Durable {
  zxid: number;
  lastSession: number;
  nodes: { path: string; data: string; stat: Stat }[];
  sessions: { id: number; client: Address; token: string; timeoutMs: number; state: Session['state']; endedAtMs?: number; ephemerals: string[] }[];
}

const STORAGE_KEY = 'zookeeper';

/** A coordination service with ZooKeeper's data model and guarantees. */
export function zooKeeperServer(options: ZooKeeperServerOptions = {}): ZooKeeperServer {
  const timeoutMin = options.sessionTimeoutMsMin ?? 100;
  const timeoutMax = options.sessionTimeoutMsMax ?? 60_000;
  if (!(timeoutMin > 0 && timeoutMax >= timeoutMin)) throw new RangeError('session timeouts need 0 < sessionTimeoutMsMin ≤ sessionTimeoutMsMax');
  let current: ServerState | undefined;
  return {
    factory: (node) => {
      current = new ServerState(node, timeoutMin, timeoutMax, options.paths ?? []);
      return current.handlers();
    },
    tree: () => current?.snapshotTree() ?? [],
    sessions: () => current?.snapshotSessions() ?? [],
    expireSession: (id) => current?.expireNow(id),
  };
}

class ServerState {
  private zxid = 0;
  private lastSession = 0;
  private readonly nodes = new Map<string, Znode>();
  private readonly sessions = new Map<number, Session>();
  private readonly byToken = new Map<string, Session>();
  /** ZooKeeper keeps `exists` and `getData` watches in one table, children watches in another. */
  private readonly dataWatches = new Map<string, Set<number>>();
  private readonly childWatches = new Map<string, Set<number>>();

  // Plain fields, not parameter properties: scripts run this file with Node's type stripping.
  private readonly node: Node;
  private readonly timeoutMin: number;
  private readonly timeoutMax: number;

  constructor(node: Node, timeoutMin: number, timeoutMax: number, paths: string[]) {
    this.node = node;
    this.timeoutMin = timeoutMin;
    this.timeoutMax = timeoutMax;
    const saved = node.storage.get<Durable>(STORAGE_KEY);
    if (saved) this.restore(saved);
    else this.plant(paths);
  }

  /** A fresh tree: `/` and the configured persistent znodes. */
  private plant(paths: string[]): void {
    this.nodes.set('/', { data: '', stat: newStat(0, 0, 0), children: new Set() });
    for (const path of paths) {
      const problem = pathProblem(path);
      if (problem) throw new Error(`zooKeeperServer paths: ${problem}`);
      const parent = this.nodes.get(parentOf(path));
      if (!parent) throw new Error(`zooKeeperServer paths: "${path}" comes before its parent`);
      if (this.nodes.has(path)) continue;
      const zxid = ++this.zxid;
      this.nodes.set(path, { data: '', stat: newStat(zxid, 0, 0), children: new Set() });
      parent.children.add(nameOf(path));
      parent.stat.cversion++;
      parent.stat.pzxid = zxid;
      parent.stat.numChildren++;
    }
    if (paths.length > 0) this.persist();
  }

  handlers(): Handlers {
    return {
      onStart: () => {
        // A restarted service counts every session's silence from now, as a new ZooKeeper
        // leader does: clients had no server to talk to while it was down.
        for (const s of this.sessions.values()) {
          if (s.state !== 'open') continue;
          s.lastHeardMs = this.node.now();
          this.armExpiry(s);
        }
      },
      onMessage: (from, body) => {
        if (!isProtocolMessage(body)) return;
        const message = body as ClientMessage;
        if (message[ZK] === 'connect') this.connect(from, message);
        else if (message[ZK] === 'request') this.request(from, message);
      },
    };
  }

  snapshotTree(): ZnodeSnapshot[] {
    return [...this.nodes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, n]) => ({ path, data: n.data, stat: { ...n.stat } }));
  }

  expireNow(id: number): void {
    const session = this.sessions.get(id);
    if (session?.state === 'open') this.endSession(session, 'expired');
  }

  snapshotSessions(): SessionSnapshot[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      client: s.client,
      timeoutMs: s.timeoutMs,
      state: s.state,
      ...(s.endedAtMs !== undefined ? { endedAtMs: s.endedAtMs } : {}),
      ...(s.state === 'open' ? { expiresAtMs: s.lastHeardMs + s.timeoutMs } : {}),
      ephemerals: [...s.ephemerals].sort(),
    }));
  }

  // ---- Sessions and connections -------------------------------------------------------

  private connect(from: Address, m: Extract<ClientMessage, { [ZK]: 'connect' }>): void {
    let session = m.session === 0 ? this.byToken.get(m.token) : this.sessions.get(m.session);
    if (!session && m.session !== 0) return this.sendExpired(from, m.session, m.conn, m.token);
    if (!session) {
      session = {
        id: ++this.lastSession,
        client: from,
        token: m.token,
        timeoutMs: Math.min(this.timeoutMax, Math.max(this.timeoutMin, Number(m.timeoutMs) || this.timeoutMin)),
        state: 'open',
        ephemerals: new Set(),
        ...this.noConnection(),
      };
      this.sessions.set(session.id, session);
      this.byToken.set(session.token, session);
      this.persist();
      recordServiceEvent(this.node, { type: 'session', node: this.node.id, client: from, session: session.id, state: 'opened' });
    }
    if (session.state !== 'open') return this.sendExpired(from, session.id, m.conn, m.token);
    // A duplicate or an overtaken connect: the client has moved on to a newer connection.
    if (m.conn <= session.conn) return;
    session.client = from;
    session.conn = m.conn;
    session.nextXid = 1;
    session.early.clear();
    session.nextSeq = 0;
    this.heard(session);
    this.send(session, { [ZK]: 'connected', session: session.id, token: m.token, conn: session.conn, seq: session.nextSeq++, timeoutMs: session.timeoutMs, zxid: this.zxid });
    this.setWatches(session, m.lastZxid, m.watches);
  }

  /**
   * ZooKeeper's SetWatches: the watches a reconnecting client still holds replace the ones the
   * service had for it, and each fires at once if what it watches changed after `lastZxid`.
   */
  private setWatches(session: Session, lastZxid: number, watches: WatchList): void {
    for (const table of [this.dataWatches, this.childWatches]) for (const set of table.values()) set.delete(session.id);
    const fire = (type: EventType, path: string) => this.sendEvent(session, type, path, this.zxid);
    for (const path of watches.data ?? []) {
      const n = this.nodes.get(path);
      if (!n) fire('NodeDeleted', path);
      else if (n.stat.mzxid > lastZxid) fire('NodeDataChanged', path);
      else addWatch(this.dataWatches, path, session.id);
    }
    for (const path of watches.exist ?? []) {
      if (this.nodes.has(path)) fire('NodeCreated', path);
      else addWatch(this.dataWatches, path, session.id);
    }
    for (const path of watches.child ?? []) {
      const n = this.nodes.get(path);
      if (!n) fire('NodeDeleted', path);
      else if (n.stat.pzxid > lastZxid) fire('NodeChildrenChanged', path);
      else addWatch(this.childWatches, path, session.id);
    }
  }

  private request(from: Address, m: Extract<ClientMessage, { [ZK]: 'request' }>): void {
    const session = this.sessions.get(m.session);
    if (!session || session.state !== 'open') return this.sendExpired(from, m.session, m.conn);
    // Requests of an older connection, or of one the service lost in a restart, are not
    // answered: the client gives up on that connection and opens a new one.
    if (m.conn !== session.conn) return;
    this.heard(session);
    if (m.xid < session.nextXid) return;
    session.early.set(m.xid, m.request);
    for (let op = session.early.get(session.nextXid); op; op = session.early.get(session.nextXid)) {
      session.early.delete(session.nextXid);
      const xid = session.nextXid++;
      this.apply(session, xid, op);
      if (session.state !== 'open') return;
    }
  }

  private heard(session: Session): void {
    session.lastHeardMs = this.node.now();
    this.armExpiry(session);
  }

  /** One timer per session, moved forward lazily: it fires at the earliest the session could expire. */
  private armExpiry(session: Session): void {
    if (session.expiryArmed) return;
    session.expiryArmed = true;
    // Whole ms: a fractional wait can land a float's width short of the deadline, over and over.
    const waitMs = Math.max(0, Math.ceil(session.lastHeardMs + session.timeoutMs - this.node.now()));
    this.node.setTimer(waitMs, () => {
      session.expiryArmed = false;
      if (session.state !== 'open') return;
      if (this.node.now() - session.lastHeardMs >= session.timeoutMs) this.endSession(session, 'expired');
      else this.armExpiry(session);
    });
  }

  /** Ends a session in one transaction: its ephemeral znodes are deleted, its watches dropped. */
  private endSession(session: Session, state: 'expired' | 'closed'): void {
    const zxid = ++this.zxid;
    const ephemerals = [...session.ephemerals].sort();
    session.state = state;
    session.endedAtMs = this.node.now();
    for (const table of [this.dataWatches, this.childWatches]) for (const set of table.values()) set.delete(session.id);
    for (const path of ephemerals) this.remove(path, zxid);
    session.ephemerals.clear();
    this.persist();
    recordServiceEvent(this.node, { type: 'session', node: this.node.id, client: session.client, session: session.id, state, ephemerals });
  }

  // ---- Operations -------------------------------------------------------------------------

  private apply(session: Session, xid: number, request: Operation): void {
    const answer = (outcome: { error: ZkErrorCode } | Result, zxid = this.zxid) => {
      const base = { [ZK]: 'reply' as const, session: session.id, conn: session.conn, seq: session.nextSeq++, xid, zxid };
      this.node.send(session.client, 'error' in outcome && typeof outcome.error === 'string' ? { ...base, error: outcome.error } : { ...base, result: outcome });
    };
    if (request.op === 'ping' || request.op === 'sync') return answer({});
    if (request.op === 'close') {
      answer({});
      return this.endSession(session, 'closed');
    }
    // A sequential create's path is checked with its counter, as ZooKeeper does (`/lock/` is fine).
    const sequential = request.op === 'create' && (request.mode === 'persistent-sequential' || request.mode === 'ephemeral-sequential');
    if (pathProblem(sequential ? `${request.path}0` : request.path) !== undefined) return answer({ error: 'BADARGUMENTS' });
    const path = request.path;
    const n = this.nodes.get(path);
    switch (request.op) {
      case 'exists':
        if (request.watch) addWatch(this.dataWatches, path, session.id);
        return answer({ stat: n ? { ...n.stat } : null });
      case 'getData':
        if (!n) return answer({ error: 'NONODE' });
        if (request.watch) addWatch(this.dataWatches, path, session.id);
        return answer({ data: n.data, stat: { ...n.stat } });
      case 'getChildren':
        if (!n) return answer({ error: 'NONODE' });
        if (request.watch) addWatch(this.childWatches, path, session.id);
        return answer({ children: [...n.children].sort() });
      case 'create':
        return answer(this.create(session, path, String(request.data ?? ''), request.mode));
      case 'delete': {
        if (path === '/') return answer({ error: 'BADARGUMENTS' });
        if (!n) return answer({ error: 'NONODE' });
        if (request.version !== -1 && request.version !== n.stat.version) return answer({ error: 'BADVERSION' });
        if (n.children.size > 0) return answer({ error: 'NOTEMPTY' });
        const zxid = ++this.zxid;
        this.remove(path, zxid);
        this.persist();
        return answer({});
      }
      case 'setData': {
        if (!n) return answer({ error: 'NONODE' });
        if (request.version !== -1 && request.version !== n.stat.version) return answer({ error: 'BADVERSION' });
        const zxid = ++this.zxid;
        n.data = String(request.data ?? '');
        n.stat.version++;
        n.stat.mzxid = zxid;
        n.stat.mtime = this.node.now();
        n.stat.dataLength = n.data.length;
        this.persist();
        this.trigger(this.dataWatches, path, 'NodeDataChanged', zxid);
        return answer({ stat: { ...n.stat } });
      }
    }
  }

  private create(session: Session, requested: string, data: string, mode: string): { error: ZkErrorCode } | Result {
    const sequential = mode === 'persistent-sequential' || mode === 'ephemeral-sequential';
    const ephemeral = mode === 'ephemeral' || mode === 'ephemeral-sequential';
    if (!sequential && !ephemeral && mode !== 'persistent') return { error: 'BADARGUMENTS' };
    if (requested === '/' && !sequential) return { error: 'NODEEXISTS' };
    const parentPath = parentOf(sequential ? `${requested}0` : requested);
    const parent = this.nodes.get(parentPath);
    if (!parent) return { error: 'NONODE' };
    if (parent.stat.ephemeralOwner !== 0) return { error: 'NOCHILDRENFOREPHEMERALS' };
    // ZooKeeper takes the counter from the parent's cversion, so it grows with every change to
    // the parent's children: unique and increasing, not contiguous.
    const path = sequential ? requested + String(parent.stat.cversion).padStart(10, '0') : requested;
    if (this.nodes.has(path)) return { error: 'NODEEXISTS' };
    const zxid = ++this.zxid;
    const stat = newStat(zxid, this.node.now(), ephemeral ? session.id : 0);
    stat.dataLength = data.length;
    this.nodes.set(path, { data, stat, children: new Set() });
    parent.children.add(nameOf(path));
    parent.stat.cversion++;
    parent.stat.pzxid = zxid;
    parent.stat.numChildren++;
    if (ephemeral) session.ephemerals.add(path);
    this.persist();
    this.trigger(this.dataWatches, path, 'NodeCreated', zxid);
    this.trigger(this.childWatches, parentPath, 'NodeChildrenChanged', zxid);
    return { path };
  }

  /** Deletes a childless znode and fires the watches on it and its parent. */
  private remove(path: string, zxid: number): void {
    const n = this.nodes.get(path);
    if (!n) return;
    this.nodes.delete(path);
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath)!;
    parent.children.delete(nameOf(path));
    parent.stat.cversion++;
    parent.stat.pzxid = zxid;
    parent.stat.numChildren--;
    if (n.stat.ephemeralOwner !== 0) this.sessions.get(n.stat.ephemeralOwner)?.ephemerals.delete(path);
    // One event per session even when it watched both the data and the children.
    const told = this.trigger(this.dataWatches, path, 'NodeDeleted', zxid);
    this.trigger(this.childWatches, path, 'NodeDeleted', zxid, told);
    this.trigger(this.childWatches, parentPath, 'NodeChildrenChanged', zxid);
  }

  /** Fires and removes the watches on `path` in `table`: a watch fires once. */
  private trigger(table: Map<string, Set<number>>, path: string, type: EventType, zxid: number, skip?: Set<number>): Set<number> {
    const watchers = table.get(path);
    const told = new Set<number>();
    if (!watchers) return told;
    table.delete(path);
    for (const id of watchers) {
      const session = this.sessions.get(id);
      if (skip?.has(id) || !session || session.state !== 'open') continue;
      told.add(id);
      this.sendEvent(session, type, path, zxid);
    }
    return told;
  }

  private sendEvent(session: Session, type: EventType, path: string, zxid: number): void {
    this.send(session, { [ZK]: 'watch', session: session.id, conn: session.conn, seq: session.nextSeq++, zxid, event: type, path });
  }

  private send(session: Session, message: ServerMessage): void {
    this.node.send(session.client, message);
  }

  private sendExpired(to: Address, session: number, conn: number, token?: string): void {
    this.node.send(to, { [ZK]: 'expired', session, conn, ...(token === undefined ? {} : { token }) } satisfies ServerMessage);
  }

  // ---- Durability -----------------------------------------------------------------------

  private persist(): void {
    const durable: Durable = {
      zxid: this.zxid,
      lastSession: this.lastSession,
      nodes: [...this.nodes.entries()].map(([path, n]) => ({ path, data: n.data, stat: n.stat })),
      sessions: [...this.sessions.values()].map((s) => ({
        id: s.id,
        client: s.client,
        token: s.token,
        timeoutMs: s.timeoutMs,
        state: s.state,
        ...(s.endedAtMs !== undefined ? { endedAtMs: s.endedAtMs } : {}),
        ephemerals: [...s.ephemerals],
      })),
    };
    this.node.storage.set(STORAGE_KEY, durable);
  }

  /** A session's volatile part before its client connects: a new session's, or any after a restart. */
  private noConnection(): Pick<Session, 'lastHeardMs' | 'expiryArmed' | 'conn' | 'nextXid' | 'early' | 'nextSeq'> {
    return { lastHeardMs: this.node.now(), expiryArmed: false, conn: 0, nextXid: 1, early: new Map(), nextSeq: 0 };
  }

  private restore(saved: Durable): void {
    this.zxid = saved.zxid;
    this.lastSession = saved.lastSession;
    for (const { path, data, stat } of saved.nodes) this.nodes.set(path, { data, stat, children: new Set() });
    for (const path of this.nodes.keys()) if (path !== '/') this.nodes.get(parentOf(path))!.children.add(nameOf(path));
    for (const s of saved.sessions) {
      const session: Session = {
        ...s,
        ephemerals: new Set(s.ephemerals),
        ...this.noConnection(),
      };
      this.sessions.set(s.id, session);
      this.byToken.set(s.token, session);
    }
  }
}

function newStat(zxid: number, nowMs: number, ephemeralOwner: number): Stat {
  return { czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: nowMs, mtime: nowMs, version: 0, cversion: 0, ephemeralOwner, dataLength: 0, numChildren: 0 };
}

function addWatch(table: Map<string, Set<number>>, path: string, session: number): void {
  let set = table.get(path);
  if (!set) table.set(path, (set = new Set()));
  set.add(session);
}
