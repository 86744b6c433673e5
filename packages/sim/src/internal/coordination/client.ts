/**
 * The client library of the coordination service, as a node's code uses it. Like ZooKeeper's
 * own clients it keeps the session alive with pings, notices a broken connection when the
 * service goes quiet for two thirds of the session timeout (failing what was in flight with
 * `CONNECTIONLOSS`), reconnects with the same session, sends calls made meanwhile once it is
 * back, and sets its watches again on the new connection.
 */
import type { Address, Node } from '../types.ts';
import {
  ZK,
  isProtocolMessage,
  pathProblem,
  type ClientMessage,
  type Operation,
  type ServerMessage,
  type WatchList,
} from './protocol.ts';
import type {
  CreateMode,
  DataCallback,
  SessionState,
  Stat,
  Watcher,
  WatchedEvent,
  ZkCallback,
  ZkErrorCode,
  ZooKeeper,
  ZooKeeperOptions,
} from './types.ts';

const MODES: readonly CreateMode[] = ['persistent', 'ephemeral', 'persistent-sequential', 'ephemeral-sequential'];

type WatchKind = 'data' | 'exist' | 'child';

interface Call {
  request: Operation;
  /** Called with the error, or with the reply's result. */
  done: (error: ZkErrorCode | null, result: Record<string, unknown> | undefined) => void;
  watcher?: Watcher;
}

/**
 * Opens a session with the coordination service at `options.server`. The client starts
 * connecting at once; calls made before the session is open are sent when it is. Hand it every
 * message your node receives (`receive`): it takes the service's and leaves you the rest.
 */
export function connectZooKeeper(node: Node, options: ZooKeeperOptions): ZooKeeper {
  if (!node || typeof node.send !== 'function') throw new TypeError('connectZooKeeper needs your node (the Node your factory was given)');
  if (typeof options?.server !== 'string') throw new TypeError('connectZooKeeper needs options.server: the address of the coordination service');
  const timeoutMs = options.sessionTimeoutMs ?? 1_000;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError('sessionTimeoutMs must be a positive number of ms');
  return new Client(node, options.server, timeoutMs, options.onSessionState);
}

class Client implements ZooKeeper {
  state: SessionState = 'connecting';
  sessionId = 0;
  sessionTimeoutMs: number;
  private readonly token: string;
  private conn = 0;
  private lastZxid = 0;
  private nextXid = 1;
  private nextSeq = 0;
  /** Messages of this connection that arrived ahead of a missing one. */
  private readonly early = new Map<number, Exclude<ServerMessage, { [ZK]: 'expired' }>>();
  private readonly inFlight = new Map<number, Call>();
  private queued: Call[] = [];
  private readonly watches: Record<WatchKind, Map<string, Set<Watcher>>> = { data: new Map(), exist: new Map(), child: new Map() };
  private attemptMs = 0;
  private lastProgressMs = 0;
  private lastSendMs = 0;
  private tickTimer = 0;
  private readonly listeners: ((state: SessionState) => void)[] = [];

  // Plain fields, not parameter properties: scripts run this file with Node's type stripping.
  private readonly node: Node;
  private readonly server: Address;
  private readonly requestedTimeoutMs: number;

  constructor(node: Node, server: Address, requestedTimeoutMs: number, onSessionState: ((state: SessionState) => void) | undefined) {
    this.node = node;
    this.server = server;
    this.requestedTimeoutMs = requestedTimeoutMs;
    if (onSessionState) this.listeners.push(onSessionState);
    this.sessionTimeoutMs = requestedTimeoutMs;
    this.token = `${node.id}/${Math.floor(node.random() * 2 ** 32).toString(36)}`;
    this.attempt();
    this.tick();
  }

  onStateChange(listener: (state: SessionState) => void): void {
    if (typeof listener !== 'function') throw new TypeError('onStateChange needs a function called with the new state');
    this.listeners.push(listener);
  }

  receive(from: Address, body: unknown): boolean {
    if (from !== this.server || !isProtocolMessage(body)) return false;
    if (this.state === 'closed' || this.state === 'expired') return true;
    const m = body as ServerMessage;
    // Until the service has opened this client's session, messages may still arrive for an
    // earlier session of this node (a client that ran here before a crash), on the same
    // connection numbers: only an answer to this client's own connect (its token) counts.
    if (m[ZK] === 'expired') {
      if (this.sessionId === 0 ? m.token === this.token && m.conn === this.conn : m.session === this.sessionId) this.expire();
      return true;
    }
    if (this.sessionId === 0 && (m[ZK] !== 'connected' || m.token !== this.token)) return true;
    if (m.conn !== this.conn || (this.sessionId !== 0 && m.session !== this.sessionId) || m.seq < this.nextSeq) return true;
    this.early.set(m.seq, m as Exclude<ServerMessage, { [ZK]: 'expired' }>);
    for (let next = this.early.get(this.nextSeq); next; next = this.early.get(this.nextSeq)) {
      this.early.delete(this.nextSeq++);
      this.lastProgressMs = this.node.now();
      this.handle(next);
      if (this.isOver()) break;
    }
    return true;
  }

  create(path: string, data: string, mode: CreateMode, callback: ZkCallback<string>): void {
    // As in ZooKeeper, a sequential path is checked with its counter: `/lock/` makes `/lock/0000000000`.
    const sequential = mode === 'persistent-sequential' || mode === 'ephemeral-sequential';
    checkPath(sequential && typeof path === 'string' ? `${path}0` : path, 'create');
    if (typeof data !== 'string') throw new TypeError(`create: data is a string (use "" for none), got ${typeof data}`);
    if (!MODES.includes(mode)) throw new TypeError(`create: mode is one of ${MODES.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(mode)}`);
    this.call({ op: 'create', path, data, mode }, callback, (r) => r.path as string);
  }

  delete(path: string, version: number, callback: ZkCallback<void>): void {
    checkPath(path, 'delete');
    checkVersion(version, 'delete');
    this.call({ op: 'delete', path, version }, callback, () => undefined);
  }

  exists(path: string, watcher: Watcher | null, callback: ZkCallback<Stat | null>): void {
    checkPath(path, 'exists');
    checkWatcher(watcher, 'exists');
    this.call({ op: 'exists', path, watch: !!watcher }, callback, (r) => r.stat as Stat | null, watcher);
  }

  getData(path: string, watcher: Watcher | null, callback: DataCallback): void {
    checkPath(path, 'getData');
    checkWatcher(watcher, 'getData');
    checkCallback(callback, 'getData');
    this.submit({
      request: { op: 'getData', path, watch: !!watcher },
      done: (error, r) => (error ? callback(error, undefined as never, undefined as never) : callback(null, r!.data as string, r!.stat as Stat)),
      ...(watcher ? { watcher } : {}),
    });
  }

  setData(path: string, data: string, version: number, callback: ZkCallback<Stat>): void {
    checkPath(path, 'setData');
    if (typeof data !== 'string') throw new TypeError(`setData: data is a string, got ${typeof data}`);
    checkVersion(version, 'setData');
    this.call({ op: 'setData', path, data, version }, callback, (r) => r.stat as Stat);
  }

  getChildren(path: string, watcher: Watcher | null, callback: ZkCallback<string[]>): void {
    checkPath(path, 'getChildren');
    checkWatcher(watcher, 'getChildren');
    this.call({ op: 'getChildren', path, watch: !!watcher }, callback, (r) => r.children as string[], watcher);
  }

  sync(path: string, callback: ZkCallback<void>): void {
    checkPath(path, 'sync');
    this.call({ op: 'sync', path }, callback, () => undefined);
  }

  close(): void {
    if (this.state === 'closed' || this.state === 'expired') return;
    if (this.state === 'connected') this.send({ op: 'close' });
    this.node.clearTimer(this.tickTimer);
    const pending = [...this.inFlight.values(), ...this.queued];
    this.inFlight.clear();
    this.queued = [];
    this.clearWatches();
    this.setState('closed');
    // Their outcome is unknown (the close may have overtaken them), and callbacks never run
    // inside the call that caused them.
    if (pending.length > 0) this.node.setTimer(0, () => pending.forEach((c) => c.done('CONNECTIONLOSS', undefined)));
  }

  // ---- Internals ----------------------------------------------------------------------

  private call<T>(request: Operation, callback: ZkCallback<T>, value: (result: Record<string, unknown>) => T, watcher?: Watcher | null): void {
    checkCallback(callback, request.op);
    this.submit({
      request,
      done: (error, r) => (error ? callback(error, undefined as never) : callback(null, value(r!))),
      ...(watcher ? { watcher } : {}),
    });
  }

  private submit(call: Call): void {
    if (this.state === 'closed') throw new Error(`${call.request.op}: this client is closed; connect a new one`);
    if (this.state === 'expired') {
      this.node.setTimer(0, () => call.done('SESSIONEXPIRED', undefined));
      return;
    }
    if (this.state !== 'connected') {
      this.queued.push(call);
      return;
    }
    this.inFlight.set(this.send(call.request), call);
  }

  private send(request: Operation): number {
    const xid = this.nextXid++;
    this.lastSendMs = this.node.now();
    this.node.send(this.server, { [ZK]: 'request', session: this.sessionId, conn: this.conn, xid, request } satisfies ClientMessage);
    return xid;
  }

  private handle(m: Exclude<ServerMessage, { [ZK]: 'expired' }>): void {
    switch (m[ZK]) {
      case 'connected': {
        this.sessionId = m.session;
        if (m.timeoutMs !== this.sessionTimeoutMs) {
          // The tick runs at a sixth of the timeout: from now on, of the one the service granted
          // (asked for a minute and granted a second, waiting for the old tick would expire it).
          this.sessionTimeoutMs = m.timeoutMs;
          this.node.clearTimer(this.tickTimer);
          this.tick();
        }
        const queued = this.queued;
        this.queued = [];
        const was = this.state;
        this.state = 'connected';
        // Calls made while disconnected go first, so calls stay in the order they were made.
        for (const call of queued) this.inFlight.set(this.send(call.request), call);
        if (was !== 'connected') this.notify('connected');
        return;
      }
      case 'reply': {
        // Only a reply vouches for a zxid: every event of a change up to it came before it on
        // this connection. A `connected` carries the service's zxid ahead of the events its
        // SetWatches sends next, and those carry it too: counting either as seen would, if one
        // of those events were lost, make the next reconnect set the watch again silently
        // (ZooKeeper likewise takes lastZxid from replies only).
        this.lastZxid = Math.max(this.lastZxid, m.zxid);
        const call = this.inFlight.get(m.xid);
        if (!call) return;
        this.inFlight.delete(m.xid);
        if (m.error) return call.done(m.error, undefined);
        const result = (m.result ?? {}) as Record<string, unknown>;
        if (call.watcher) {
          const op = call.request.op;
          const kind: WatchKind = op === 'getChildren' ? 'child' : op === 'exists' && result.stat === null ? 'exist' : 'data';
          const path = (call.request as { path: string }).path;
          let set = this.watches[kind].get(path);
          if (!set) this.watches[kind].set(path, (set = new Set()));
          set.add(call.watcher);
        }
        return call.done(null, result);
      }
      case 'watch': {
        const kinds: WatchKind[] =
          m.event === 'NodeChildrenChanged' ? ['child'] : m.event === 'NodeDeleted' ? ['data', 'exist', 'child'] : ['data', 'exist'];
        const watchers = new Set<Watcher>();
        for (const kind of kinds) {
          for (const w of this.watches[kind].get(m.path) ?? []) watchers.add(w);
          this.watches[kind].delete(m.path);
        }
        const event: WatchedEvent = { type: m.event, path: m.path };
        for (const w of watchers) w(event);
        return;
      }
    }
  }

  /** One timer drives pings, the broken-connection check and reconnect attempts. */
  private tick(): void {
    const timeout = this.sessionTimeoutMs;
    this.tickTimer = this.node.setTimer(Math.max(1, Math.round(timeout / 6)), () => {
      const now = this.node.now();
      if (this.state === 'connected') {
        if (now - this.lastProgressMs >= (2 * timeout) / 3) this.connectionLost();
        else if (now - this.lastSendMs >= timeout / 3) this.inFlight.set(this.send({ op: 'ping' }), { request: { op: 'ping' }, done: () => {} });
      } else if (now - this.attemptMs >= timeout / 3) {
        this.attempt();
      }
      // A callback of the connection loss may have closed the client: then it falls silent.
      if (!this.isOver()) this.tick();
    });
  }

  private connectionLost(): void {
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    this.state = 'disconnected';
    for (const call of pending) call.done('CONNECTIONLOSS', undefined);
    if (this.state !== 'disconnected') return;
    this.notify('disconnected');
    if (this.state === 'disconnected') this.attempt();
  }

  private attempt(): void {
    this.conn++;
    this.nextSeq = 0;
    this.nextXid = 1;
    this.early.clear();
    this.attemptMs = this.node.now();
    const watches: WatchList = { data: [], exist: [], child: [] };
    for (const kind of ['data', 'exist', 'child'] as const) for (const [path, set] of this.watches[kind]) if (set.size > 0) watches[kind].push(path);
    this.node.send(this.server, {
      [ZK]: 'connect',
      session: this.sessionId,
      token: this.token,
      conn: this.conn,
      timeoutMs: this.requestedTimeoutMs,
      lastZxid: this.lastZxid,
      watches,
    } satisfies ClientMessage);
  }

  private expire(): void {
    this.node.clearTimer(this.tickTimer);
    const pending = [...this.inFlight.values(), ...this.queued];
    this.inFlight.clear();
    this.queued = [];
    this.clearWatches();
    this.state = 'expired';
    for (const call of pending) call.done('SESSIONEXPIRED', undefined);
    this.notify('expired');
  }

  /** A method rather than an inline test: callbacks change `state` behind the compiler's back. */
  private isOver(): boolean {
    return this.state === 'closed' || this.state === 'expired';
  }

  private clearWatches(): void {
    for (const table of Object.values(this.watches)) table.clear();
  }

  private setState(state: SessionState): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed) this.notify(state);
  }

  private notify(state: SessionState): void {
    for (const listener of [...this.listeners]) listener(state);
  }
}

function checkPath(path: unknown, op: string): void {
  const problem = pathProblem(path);
  if (problem) throw new TypeError(`${op}: ${problem}`);
}

function checkVersion(version: unknown, op: string): void {
  if (!Number.isInteger(version) || (version as number) < -1) throw new TypeError(`${op}: version is an integer (-1 for any version), got ${String(version)}`);
}

function checkWatcher(watcher: unknown, op: string): void {
  if (watcher !== null && watcher !== undefined && typeof watcher !== 'function') {
    throw new TypeError(`${op}: the watcher is a function called with the event, or null for no watch`);
  }
}

function checkCallback(callback: unknown, op: string): void {
  if (typeof callback !== 'function') throw new TypeError(`${op}: the last argument is a callback (error, result) => …`);
}
