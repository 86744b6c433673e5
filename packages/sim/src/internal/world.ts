import { copyPlain } from './clone.ts';
import { asNode, enterNode, leaveNode, withVirtualGlobals, type VirtualContext } from './globals.ts';
import { EventQueue } from './queue.ts';
import { deriveRandom, type Random } from './random.ts';
import { SERVICE_TRACE } from './hooks.ts';
import { TraceRecorder } from './trace.ts';
import type { Operation } from './check/types.ts';
import type {
  AddNodeOptions,
  Address,
  ClockOptions,
  Delay,
  Handlers,
  NetworkOptions,
  Node,
  NodeFactory,
  OperationRecord,
  Reply,
  RunOptions,
  RunResult,
  SimulationOptions,
  Storage,
  Trace,
  TraceEvent,
} from './types.ts';

interface NodeState {
  id: Address;
  factory: NodeFactory;
  /** Durable: the same object across restarts. */
  storage: Storage;
  up: boolean;
  /**
   * While paused (a stop-the-world GC pause, a frozen VM), nothing of the node's runs: what
   * would have (deliveries, timers, client calls) waits in `deferred` for `resume`.
   */
  paused: boolean;
  deferred: (() => void)[];
  /** Bumped by every crash and restart; events carry the incarnation they were meant for. */
  incarnation: number;
  handlers: Handlers;
  timers: Set<number>;
  ctx: VirtualContext;
  /** Random streams of this node's outgoing links, by destination. */
  links: Map<Address, Random>;
  slowFactor: number;
  clockAnchorMs: number;
  clockLocalAnchorMs: number;
  clockDrift: number;
}

/** Options for a client created with `Simulation.client`. */
export interface ClientOptions {
  /**
   * How long the client waits for a reply before giving up, in virtual ms. A timed-out
   * operation is indeterminate: it may still take effect. Default 1,000.
   */
  timeoutMs?: number;
}

/**
 * A test's client: issues one operation at a time to a node's `onRequest` and records each in
 * the simulation's history. Clients sit next to the node they call, so partitions do not cut
 * them off; a crashed node refuses them.
 */
export interface Client {
  /** The client's name, as the history and the trace show it. */
  readonly name: string;
  /** True while an operation is in flight. */
  readonly busy: boolean;
  /**
   * Calls `node` with `input` at the current virtual time. `onComplete` runs inside the
   * simulation when the operation ends (reply, timeout or refusal), which is where a workload
   * issues its next operation; the returned promise settles with the same record, after the run.
   */
  invoke(node: Address, input: unknown, onComplete?: (op: OperationRecord) => void): Promise<OperationRecord>;
}

const DEFAULT_DELAY: Delay = { kind: 'uniform', msMin: 1, msMax: 10 };

/**
 * A network of nodes in virtual time. Nothing happens until `run` is called; then events
 * (deliveries, timers, faults, client calls) are processed in (time, scheduling order), so the
 * same seed, the same faults and the same node code always produce the same trace.
 */
export class Simulation {
  /** The root seed every random choice of this run derives from. */
  readonly seed: number;
  private readonly queue = new EventQueue();
  private readonly nodes = new Map<Address, NodeState>();
  private readonly order: Address[] = [];
  private readonly recorder: TraceRecorder;
  /** False when the run records no trace: hot paths then skip building event objects. */
  private readonly tracing: boolean;
  private readonly ambient: VirtualContext;
  private readonly ambientTimers = new Set<number>();
  private readonly records: OperationRecord[] = [];
  private readonly clients = new Map<string, Client>();
  private dropProbability: number;
  private duplicateProbability: number;
  private delay: Delay;
  /** Group index of each node while a partition is active; unlisted nodes share group -1. */
  private groups: Map<Address, number> | undefined;
  private readonly cuts = new Set<string>();
  private clockMs = 0;
  private seq = 0;
  private nextMessageId = 1;
  private nextTimerId = 1;

  /** A simulation with no nodes yet, at virtual time 0. */
  constructor(options: SimulationOptions) {
    if (!Number.isFinite(options.seed)) throw new TypeError('seed must be a finite number');
    this.seed = options.seed;
    this.dropProbability = checkProbability('dropProbability', options.dropProbability ?? 0);
    this.duplicateProbability = checkProbability('duplicateProbability', options.duplicateProbability ?? 0);
    this.delay = checkDelay(options.delay ?? DEFAULT_DELAY);
    this.recorder = new TraceRecorder(options.traceEventsMax ?? 20_000);
    this.tracing = options.recordTrace ?? true;
    const random = deriveRandom(options.seed, 'ambient');
    this.ambient = {
      random: () => random.next(),
      localMs: () => this.clockMs,
      setTimer: (delayMs, callback) => {
        const timer = this.nextTimerId++;
        this.ambientTimers.add(timer);
        this.at(this.clockMs + checkDelayMs(delayMs), () => {
          if (this.ambientTimers.delete(timer)) callback();
        });
        return timer;
      },
      clearTimer: (timer) => void this.ambientTimers.delete(timer),
    };
  }

  /** Virtual time now, in ms. */
  get nowMs(): number {
    return this.clockMs;
  }

  /** Addresses of every node, in the order they were added. */
  get addresses(): readonly Address[] {
    return this.order;
  }

  /** The run so far, as versioned JSON. Builds a fresh object on each read. */
  get trace(): Trace {
    if (!this.tracing) {
      throw new Error(
        'this simulation records no trace (recordTrace: false). A scenario that reads the trace to judge a run must set recordTrace: true.',
      );
    }
    return {
      version: 2,
      seed: this.seed,
      nodes: [...this.order],
      events: this.recorder.events(),
      droppedEvents: this.recorder.droppedEvents,
    };
  }

  /** Every client operation so far, in order of invocation (live records). */
  get history(): readonly OperationRecord[] {
    return this.records;
  }

  /**
   * The history as the checkers read it: refused operations (which never reached a node) are
   * left out, and timed-out or pending ones have an unknown result (`returnMs: Infinity`).
   */
  operations(): Operation[] {
    const ops: Operation[] = [];
    for (const r of this.records) {
      if (r.status === 'refused') continue;
      const known = r.status === 'ok';
      ops.push({
        id: r.id,
        client: r.client,
        input: r.input,
        output: known ? r.output : undefined,
        callMs: r.callMs,
        returnMs: known ? r.returnMs : Infinity,
      });
    }
    return ops;
  }

  /** True while `id` is up (added and not crashed). */
  isUp(id: Address): boolean {
    return this.nodes.get(id)?.up ?? false;
  }

  /**
   * Adds a node. `factory` runs when the node starts (at the current virtual time, once the run
   * proceeds) and again after every restart.
   */
  addNode(id: Address, factory: NodeFactory, options: AddNodeOptions = {}): void {
    if (typeof id !== 'string' || id === '') throw new TypeError('a node needs a non-empty string name');
    if (this.nodes.has(id)) throw new Error(`a node named "${id}" already exists`);
    const state: NodeState = {
      id,
      factory,
      storage: createStorage(id),
      up: true,
      paused: false,
      deferred: [],
      incarnation: 0,
      handlers: {},
      timers: new Set(),
      ctx: this.ambient,
      links: new Map(),
      slowFactor: 1,
      clockAnchorMs: this.clockMs,
      clockLocalAnchorMs: this.clockMs,
      clockDrift: 0,
    };
    this.nodes.set(id, state);
    this.order.push(id);
    if (options.clock) this.applyClock(state, options.clock);
    const incarnation = state.incarnation;
    this.at(this.clockMs, () => {
      if (state.incarnation === incarnation) this.boot(state, 'start');
    });
  }

  /** Runs `action` at virtual time `atMs` (not before now): how tests inject events. */
  schedule(atMs: number, action: () => void): void {
    this.at(Math.max(checkTime(atMs), this.clockMs), action);
  }

  /** Processes events until the network is quiet or a limit in `options` is reached. */
  run(options: RunOptions = {}): RunResult {
    const untilMs = options.untilMs ?? Infinity;
    const maxEvents = options.maxEvents ?? 1_000_000;
    return withVirtualGlobals(this.ambient, () => {
      let events = 0;
      for (;;) {
        const timeMs = this.queue.peekTime();
        if (timeMs === undefined) return { nowMs: this.clockMs, events, stoppedBy: 'quiet' as const };
        if (timeMs > untilMs) {
          this.clockMs = Math.max(this.clockMs, untilMs);
          return { nowMs: this.clockMs, events, stoppedBy: 'untilMs' as const };
        }
        if (events >= maxEvents) return { nowMs: this.clockMs, events, stoppedBy: 'maxEvents' as const };
        const next = this.queue.pop()!;
        this.clockMs = timeMs;
        next.run();
        events++;
      }
    });
  }

  // ---- Faults -------------------------------------------------------------------------

  /** Changes how the network behaves from now on (unset fields keep their value). */
  configureNetwork(options: NetworkOptions): void {
    if (options.dropProbability !== undefined) this.dropProbability = checkProbability('dropProbability', options.dropProbability);
    if (options.duplicateProbability !== undefined) {
      this.duplicateProbability = checkProbability('duplicateProbability', options.duplicateProbability);
    }
    if (options.delay !== undefined) this.delay = checkDelay(options.delay);
    this.record({
      t: this.clockMs,
      type: 'network',
      dropProbability: this.dropProbability,
      duplicateProbability: this.duplicateProbability,
    });
  }

  /**
   * Splits the network: only nodes in the same group can talk. Nodes listed in no group form
   * one more group together. Replaces any earlier partition; cuts stay.
   */
  partition(groups: readonly (readonly Address[])[]): void {
    const map = new Map<Address, number>();
    groups.forEach((group, index) => {
      for (const id of group) {
        this.requireNode(id);
        if (map.has(id)) throw new Error(`node "${id}" is in two groups of the partition`);
        map.set(id, index);
      }
    });
    this.groups = map;
    this.record({ t: this.clockMs, type: 'partition', groups: groups.map((g) => [...g]) });
  }

  /** Loses every message from `from` to `to` from now on; the other direction still works. */
  cut(from: Address, to: Address): void {
    this.requireNode(from);
    this.requireNode(to);
    this.cuts.add(linkKey(from, to));
    this.record({ t: this.clockMs, type: 'cut', from, to });
  }

  /** Ends every partition and cut. */
  heal(): void {
    this.groups = undefined;
    this.cuts.clear();
    this.record({ t: this.clockMs, type: 'heal' });
  }

  /**
   * Crashes a node: its volatile state is gone, its timers are cancelled, and messages on their
   * way to it are lost. Its `storage` survives for `restart`.
   */
  crash(id: Address): void {
    const state = this.requireNode(id);
    if (!state.up) return;
    state.up = false;
    state.paused = false;
    state.deferred = [];
    state.incarnation++;
    state.timers.clear();
    state.handlers = {};
    this.record({ t: this.clockMs, type: 'crash', node: id });
  }

  /** Restarts a crashed node: its factory runs again with the same `storage`, then `onStart`. */
  restart(id: Address): void {
    const state = this.requireNode(id);
    if (state.up) return;
    state.up = true;
    state.incarnation++;
    this.record({ t: this.clockMs, type: 'restart', node: id });
    this.boot(state, 'restart');
  }

  /**
   * Pauses a node, as a long garbage-collection pause or a frozen VM would: it keeps its memory
   * but runs nothing (no message handled, no timer fired, no client call answered) until
   * `resume`, when everything that came due meanwhile runs in order. The network and the other
   * nodes carry on, so the world may have moved on without it.
   */
  pause(id: Address): void {
    const state = this.requireNode(id);
    if (!state.up || state.paused) return;
    state.paused = true;
    this.record({ t: this.clockMs, type: 'pause', node: id });
  }

  /** Ends a pause: what came due while the node was paused runs now, in its original order. */
  resume(id: Address): void {
    const state = this.requireNode(id);
    if (!state.paused) return;
    state.paused = false;
    this.record({ t: this.clockMs, type: 'resume', node: id });
    const deferred = state.deferred;
    state.deferred = [];
    for (const action of deferred) this.at(this.clockMs, action);
  }

  /** Makes a node slow: its messages and timers take `factor` times as long; 1 is normal. */
  slow(id: Address, factor: number): void {
    const state = this.requireNode(id);
    if (!(factor >= 1) || !Number.isFinite(factor)) throw new RangeError('a slow factor must be a finite number ≥ 1');
    state.slowFactor = factor;
    this.record({ t: this.clockMs, type: 'slow', node: id, factor });
  }

  /** Sets a node's clock skew and drift from now on (unset fields keep their value). */
  setClock(id: Address, clock: ClockOptions): void {
    this.applyClock(this.requireNode(id), clock);
  }

  // ---- Clients ------------------------------------------------------------------------

  /** The client named `name`, created on first use with `options`. */
  client(name: string, options: ClientOptions = {}): Client {
    const existing = this.clients.get(name);
    if (existing) return existing;
    const timeoutMs = checkDelayMs(options.timeoutMs ?? 1_000);
    let busy = false;
    const client: Client = {
      name,
      get busy() {
        return busy;
      },
      invoke: (node, input, onComplete) => {
        if (busy) throw new Error(`client "${name}" already has an operation in flight; a client issues one at a time`);
        const target = this.requireNode(node);
        busy = true;
        const op: OperationRecord = {
          id: this.records.length + 1,
          client: name,
          node,
          input: copyPlain(input, 'a client request'),
          status: 'pending',
          callMs: this.clockMs,
          returnMs: Infinity,
        };
        this.records.push(op);
        this.record({ t: this.clockMs, type: 'invoke', op: op.id, client: name, node, input: op.input });
        return new Promise<OperationRecord>((resolve) => {
          const complete = (status: 'ok' | 'timeout' | 'refused', output?: unknown): void => {
            op.status = status;
            op.returnMs = this.clockMs;
            if (status === 'ok') op.output = output;
            busy = false;
            this.record({
              t: this.clockMs,
              type: 'complete',
              op: op.id,
              client: name,
              node,
              status,
              ...(status === 'ok' ? { output } : {}),
            });
            resolve(op);
            onComplete?.(op);
          };
          // The request reaches the node as its own event, so a call made before `run` still
          // runs the node's code inside the run, with its clock and random stream.
          this.at(this.clockMs, () => {
            if (!target.up) return complete('refused');
            const incarnation = target.incarnation;
            this.at(this.clockMs + timeoutMs, () => {
              if (op.status === 'pending') complete('timeout');
            });
            const reply: Reply = (response) => {
              if (op.status === 'ok') throw new Error(`${node} replied twice to the same request (operation ${op.id})`);
              if (op.status !== 'pending' || target.incarnation !== incarnation) return;
              complete('ok', copyPlain(response, 'a reply'));
            };
            const handle = (): void => {
              if (op.status !== 'pending' || !target.up || target.incarnation !== incarnation) return;
              if (target.paused) return void target.deferred.push(handle);
              const handler = target.handlers.onRequest;
              if (handler) this.call(target, 'onRequest', () => handler.call(target.handlers, copyPlain(op.input, 'a client request'), reply));
            };
            handle();
          });
        });
      },
    };
    this.clients.set(name, client);
    return client;
  }

  // ---- Internals ----------------------------------------------------------------------

  private at(timeMs: number, run: () => void): void {
    this.queue.push({ timeMs, seq: this.seq++, run });
  }

  private record(event: TraceEvent): void {
    if (this.tracing) this.recorder.push(event);
  }

  private requireNode(id: Address): NodeState {
    const state = this.nodes.get(id);
    if (!state) throw new Error(`there is no node named "${id}"`);
    return state;
  }

  private applyClock(state: NodeState, clock: ClockOptions): void {
    const now = this.clockMs;
    const currentOffset = this.localMs(state) - now;
    const offsetMs = clock.offsetMs ?? currentOffset;
    const drift = clock.drift ?? state.clockDrift;
    if (!Number.isFinite(offsetMs) || !Number.isFinite(drift) || drift <= -1) {
      throw new RangeError('a clock needs a finite offsetMs and a drift greater than -1');
    }
    state.clockAnchorMs = now;
    state.clockLocalAnchorMs = now + offsetMs;
    state.clockDrift = drift;
    this.record({ t: now, type: 'clock', node: state.id, offsetMs, drift });
  }

  private localMs(state: NodeState): number {
    return state.clockLocalAnchorMs + (this.clockMs - state.clockAnchorMs) * (1 + state.clockDrift);
  }

  /** Builds a node's handlers for its current incarnation and runs `onStart`. */
  private boot(state: NodeState, kind: 'start' | 'restart'): void {
    const incarnation = state.incarnation;
    const label = incarnation === 0 ? `node:${state.id}` : `node:${state.id}#${incarnation}`;
    const random = deriveRandom(this.seed, label);
    const live = (): boolean => state.up && state.incarnation === incarnation;
    const setTimer = (delayMs: number, callback: () => void): number => {
      if (typeof callback !== 'function') throw new TypeError('setTimer needs a callback function');
      const timer = this.nextTimerId++;
      const waitMs = checkDelayMs(delayMs) * state.slowFactor;
      if (!live()) return timer;
      state.timers.add(timer);
      const fire = (): void => {
        if (!live() || !state.timers.has(timer)) return;
        if (state.paused) return void state.deferred.push(fire);
        state.timers.delete(timer);
        if (this.tracing) this.record({ t: this.clockMs, type: 'timer', node: state.id, timer });
        this.call(state, 'a timer callback', callback);
      };
      this.at(this.clockMs + waitMs, fire);
      return timer;
    };
    const clearTimer = (timer: number): void => void state.timers.delete(timer);
    const ctx: VirtualContext = {
      random: () => random.next(),
      localMs: () => this.localMs(state),
      setTimer,
      clearTimer,
    };
    state.ctx = ctx;
    const order = this.order;
    let peers: readonly Address[] = Object.freeze([]);
    const view: Node = {
      id: state.id,
      // Protocols read peers on every round; the list is rebuilt only when a node was added.
      get peers() {
        if (peers.length !== order.length - 1) peers = Object.freeze(order.filter((a) => a !== state.id));
        return peers;
      },
      now: () => this.localMs(state),
      send: (to, body) => {
        if (live()) this.send(state, to, body);
      },
      setTimer,
      clearTimer,
      storage: state.storage,
      random: () => random.next(),
      log: (...parts) => {
        if (live()) this.record({ t: this.clockMs, type: 'log', node: state.id, text: parts.map(formatPart).join(' ') });
      },
    };
    Object.defineProperty(view, SERVICE_TRACE, {
      value: (event: Omit<Extract<TraceEvent, { type: 'session' }>, 't'>) => {
        if (live()) this.record({ ...event, t: this.clockMs });
      },
    });
    if (kind === 'start') this.record({ t: this.clockMs, type: 'start', node: state.id });
    state.handlers = {};
    const handlers = asNode(ctx, () => state.factory(view));
    if (!handlers || typeof handlers !== 'object') {
      throw new TypeError(`the factory for node "${state.id}" must return an object of handlers (onStart, onMessage, onRequest)`);
    }
    state.handlers = handlers;
    const onStart = handlers.onStart;
    if (onStart) this.call(state, 'onStart', () => onStart.call(handlers));
  }

  /** Runs node code as that node, and refuses handlers that return promises. */
  private call(state: NodeState, what: string, body: () => unknown): void {
    const result = asNode(state.ctx, body);
    if (result !== undefined) refusePromise(state.id, what, result);
  }

  private linkRandom(sender: NodeState, to: Address): Random {
    let random = sender.links.get(to);
    if (!random) sender.links.set(to, (random = deriveRandom(this.seed, `net:${linkKey(sender.id, to)}`)));
    return random;
  }

  private blocked(from: Address, to: Address): boolean {
    if (this.groups) {
      const a = this.groups.get(from) ?? -1;
      const b = this.groups.get(to) ?? -1;
      if (a !== b) return true;
    }
    return this.cuts.size > 0 && this.cuts.has(linkKey(from, to));
  }

  private send(sender: NodeState, to: Address, body: unknown): void {
    const from = sender.id;
    if (typeof to !== 'string') throw new TypeError(`send needs a node address (a string) as its first argument, got ${formatPart(to)}`);
    const msg = this.nextMessageId++;
    const copy = copyPlain(body, 'a message body');
    const now = this.clockMs;
    const tracing = this.tracing;
    if (tracing) this.record({ t: now, type: 'send', msg, from, to, body: copy });
    const target = this.nodes.get(to);
    if (!target) {
      this.record({ t: now, type: 'drop', msg, from, to, reason: 'no-such-node' });
      return;
    }
    // Every message draws the same four numbers from its link's own stream, whatever happens
    // to it, so a change in the drop rate or a fault elsewhere does not shift later delays.
    const random = this.linkRandom(sender, to);
    const lost = random.next32() < this.dropProbability;
    const doubled = random.next32() < this.duplicateProbability;
    const slow = Math.max(sender.slowFactor, target.slowFactor);
    const delayMs = drawDelay(this.delay, random.next32()) * slow;
    const secondDelayMs = drawDelay(this.delay, random.next32()) * slow;
    if (this.blocked(from, to)) {
      this.record({ t: now, type: 'drop', msg, from, to, reason: 'partition' });
      return;
    }
    if (lost) {
      this.record({ t: now, type: 'drop', msg, from, to, reason: 'network' });
      return;
    }
    const incarnation = target.incarnation;
    this.queue.push(new Delivery(now + delayMs, this.seq++, this, target, incarnation, msg, from, copy, undefined));
    if (doubled) {
      this.record({ t: now, type: 'duplicate', msg, from, to });
      this.queue.push(new Delivery(now + secondDelayMs, this.seq++, this, target, incarnation, msg, from, copy, 2));
    }
  }

  private deliver(target: NodeState, incarnation: number, msg: number, from: Address, body: unknown, copy: 2 | undefined): void {
    const to = target.id;
    if (!target.up || target.incarnation !== incarnation) {
      this.record({ t: this.clockMs, type: 'drop', msg, from, to, reason: 'crashed' });
      return;
    }
    if (this.blocked(from, to)) {
      this.record({ t: this.clockMs, type: 'drop', msg, from, to, reason: 'partition' });
      return;
    }
    if (target.paused) {
      // Not yet delivered: it sits in the node's socket buffer until the pause ends.
      target.deferred.push(() => this.deliver(target, incarnation, msg, from, body, copy));
      return;
    }
    if (this.tracing) {
      this.record(copy ? { t: this.clockMs, type: 'deliver', msg, from, to, copy } : { t: this.clockMs, type: 'deliver', msg, from, to });
    }
    const handlers = target.handlers;
    if (handlers.onMessage) {
      // The trace keeps the sent copy, so the receiver needs its own; without a trace the
      // first delivery can hand over the sent copy itself (a duplicate still gets a fresh one).
      const own = this.tracing || copy === 2;
      const received = own && typeof body === 'object' && body !== null ? copyPlain(body, 'a message body') : body;
      // Inlined `call`: this is the hottest path of the engine, and a closure per delivery shows.
      const saved = enterNode(target.ctx);
      let result: unknown;
      try {
        result = handlers.onMessage(from, received);
      } finally {
        leaveNode(saved);
      }
      if (result !== undefined) refusePromise(target.id, 'onMessage', result);
    }
  }
}

const linkKey = (from: Address, to: Address): string => `${from}>${to}`;

/**
 * A scheduled delivery. Deliveries are most of a run's events; one object per delivery instead
 * of a queue entry plus a closure halves the engine's allocations on its hottest path.
 */
class Delivery {
  readonly timeMs: number;
  readonly seq: number;
  private readonly sim: Simulation;
  private readonly target: NodeState;
  private readonly incarnation: number;
  private readonly msg: number;
  private readonly from: Address;
  private readonly body: unknown;
  private readonly copy: 2 | undefined;

  constructor(
    timeMs: number,
    seq: number,
    sim: Simulation,
    target: NodeState,
    incarnation: number,
    msg: number,
    from: Address,
    body: unknown,
    copy: 2 | undefined,
  ) {
    this.timeMs = timeMs;
    this.seq = seq;
    this.sim = sim;
    this.target = target;
    this.incarnation = incarnation;
    this.msg = msg;
    this.from = from;
    this.body = body;
    this.copy = copy;
  }

  run(): void {
    // Bracket access reaches the private method: deliveries are the engine's own business.
    this.sim['deliver'](this.target, this.incarnation, this.msg, this.from, this.body, this.copy);
  }
}

function refusePromise(node: Address, what: string, result: unknown): void {
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError(
      `${node}'s ${what} returned a promise. Handlers must be synchronous: to wait, set a timer or handle the message that answers.`,
    );
  }
}

function drawDelay(delay: Delay, u: number): number {
  switch (delay.kind) {
    case 'fixed':
      return delay.ms;
    case 'uniform':
      return delay.msMin + Math.floor(u * (delay.msMax - delay.msMin + 1));
    case 'exponential': {
      const min = delay.msMin ?? 0;
      const max = delay.msMax ?? min + 20 * delay.msMean;
      return Math.min(max, min + Math.round(-delay.msMean * Math.log(1 - u)));
    }
  }
}

function checkProbability(name: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a number in [0, 1], got ${p}`);
  return p;
}

function checkDelay(delay: Delay): Delay {
  const ok =
    delay.kind === 'fixed'
      ? delay.ms >= 0 && Number.isFinite(delay.ms)
      : delay.kind === 'uniform'
        ? delay.msMin >= 0 && Number.isInteger(delay.msMin) && Number.isInteger(delay.msMax) && delay.msMin <= delay.msMax
        : delay.kind === 'exponential'
          ? delay.msMean > 0 && (delay.msMin ?? 0) >= 0 && (delay.msMax ?? Infinity) >= (delay.msMin ?? 0)
          : false;
  if (!ok) throw new RangeError(`invalid delay ${JSON.stringify(delay)}: delays are whole ms ≥ 0, and msMin must not exceed msMax`);
  return delay;
}

function checkDelayMs(delayMs: number): number {
  if (typeof delayMs !== 'number' || Number.isNaN(delayMs)) {
    throw new TypeError(`a delay must be a number of ms, got ${formatPart(delayMs)}`);
  }
  if (delayMs === Infinity) throw new RangeError('a delay must be finite');
  return Math.max(0, delayMs);
}

function checkTime(atMs: number): number {
  if (typeof atMs !== 'number' || !Number.isFinite(atMs)) throw new TypeError(`a time must be a finite number of ms, got ${formatPart(atMs)}`);
  return atMs;
}

function createStorage(id: Address): Storage {
  const data = new Map<string, unknown>();
  const what = `the value stored by ${id}`;
  return {
    get: <T>(key: string) => (data.has(key) ? (copyPlain(data.get(key), what) as T) : undefined),
    set: (key, value) => void data.set(String(key), copyPlain(value, what)),
    delete: (key) => void data.delete(key),
    keys: () => [...data.keys()].sort(),
  };
}

function formatPart(part: unknown): string {
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}
