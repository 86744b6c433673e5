import { EventQueue } from './queue.ts';
import { deriveRandom, type Random } from './random.ts';
import type {
  Address,
  Handlers,
  Node,
  NodeFactory,
  RunOptions,
  RunResult,
  SimulationOptions,
  Storage,
  Trace,
  TraceEvent,
} from './types.ts';

interface NodeState {
  id: Address;
  handlers: Handlers;
  timers: Set<number>;
}

/**
 * A network of nodes in virtual time. Nothing happens until `run` is called; then events
 * (deliveries, timers, scheduled actions) are processed in (time, scheduling order), so the
 * same seed and the same node code always produce the same trace.
 */
export class Simulation {
  readonly trace: Trace;
  private readonly queue = new EventQueue();
  private readonly nodes = new Map<Address, NodeState>();
  private readonly order: Address[] = [];
  private readonly network: Random;
  private readonly options: Required<SimulationOptions>;
  private clockMs = 0;
  private seq = 0;
  private nextMessageId = 1;
  private nextTimerId = 1;

  constructor(options: SimulationOptions) {
    this.options = { dropProbability: 0, delayMsMin: 1, delayMsMax: 10, ...options };
    if (this.options.delayMsMin > this.options.delayMsMax) {
      throw new RangeError('delayMsMin must not exceed delayMsMax');
    }
    this.network = deriveRandom(options.seed, 'network');
    this.trace = { version: 1, seed: options.seed, events: [] };
  }

  /** Virtual time now, in ms. */
  get nowMs(): number {
    return this.clockMs;
  }

  /** Addresses of every node, in the order they were added. */
  get addresses(): readonly Address[] {
    return this.order;
  }

  /** Adds a node; its `onStart` runs at the current virtual time once the run proceeds. */
  addNode(id: Address, factory: NodeFactory): void {
    if (this.nodes.has(id)) throw new Error(`a node named "${id}" already exists`);
    const state: NodeState = { id, handlers: {}, timers: new Set() };
    this.nodes.set(id, state);
    this.order.push(id);
    state.handlers = factory(this.viewFor(state));
    this.at(this.clockMs, () => {
      this.record({ t: this.clockMs, type: 'start', node: id });
      state.handlers.onStart?.();
    });
  }

  /** Runs `action` at virtual time `atMs` (not before now): how tests inject client requests. */
  schedule(atMs: number, action: () => void): void {
    this.at(Math.max(atMs, this.clockMs), action);
  }

  /** Processes events until the network is quiet or a limit in `options` is reached. */
  run(options: RunOptions = {}): RunResult {
    const untilMs = options.untilMs ?? Infinity;
    const maxEvents = options.maxEvents ?? 1_000_000;
    let events = 0;
    for (;;) {
      const next = this.queue.pop();
      if (!next) return { nowMs: this.clockMs, events, stoppedBy: 'quiet' };
      if (next.timeMs > untilMs) {
        this.queue.push(next);
        this.clockMs = Math.max(this.clockMs, untilMs);
        return { nowMs: this.clockMs, events, stoppedBy: 'untilMs' };
      }
      if (events >= maxEvents) {
        this.queue.push(next);
        return { nowMs: this.clockMs, events, stoppedBy: 'maxEvents' };
      }
      this.clockMs = next.timeMs;
      next.run();
      events++;
    }
  }

  private at(timeMs: number, run: () => void): void {
    this.queue.push({ timeMs, seq: this.seq++, run });
  }

  private record(event: TraceEvent): void {
    this.trace.events.push(event);
  }

  private send(from: Address, to: Address, body: unknown): void {
    const msg = this.nextMessageId++;
    const copy = structuredClone(body);
    this.record({ t: this.clockMs, type: 'send', msg, from, to, body: copy });
    const target = this.nodes.get(to);
    if (!target) {
      this.record({ t: this.clockMs, type: 'drop', msg, from, to, reason: 'no-such-node' });
      return;
    }
    // Draw both numbers for every message, dropped or not, so that a change in the drop
    // probability does not shift the delays of every later message.
    const lost = this.network.next() < this.options.dropProbability;
    const delayMs = this.network.int(this.options.delayMsMin, this.options.delayMsMax);
    if (lost) {
      this.record({ t: this.clockMs, type: 'drop', msg, from, to, reason: 'network' });
      return;
    }
    this.at(this.clockMs + delayMs, () => {
      this.record({ t: this.clockMs, type: 'deliver', msg, from, to });
      target.handlers.onMessage?.(from, structuredClone(copy));
    });
  }

  private viewFor(state: NodeState): Node {
    const random = deriveRandom(this.options.seed, `node:${state.id}`);
    const storage = createStorage();
    const peers: Address[] = [];
    // Peers are computed lazily because nodes added later must appear in earlier nodes' lists.
    const peersView = (): readonly Address[] => {
      peers.length = 0;
      for (const a of this.order) if (a !== state.id) peers.push(a);
      return peers;
    };
    return {
      id: state.id,
      get peers() {
        return peersView();
      },
      now: () => this.clockMs,
      send: (to, body) => this.send(state.id, to, body),
      setTimer: (delayMs, callback) => {
        const timer = this.nextTimerId++;
        state.timers.add(timer);
        this.at(this.clockMs + Math.max(0, delayMs), () => {
          if (!state.timers.delete(timer)) return;
          this.record({ t: this.clockMs, type: 'timer', node: state.id, timer });
          callback();
        });
        return timer;
      },
      clearTimer: (timer) => {
        state.timers.delete(timer);
      },
      storage,
      random: () => random.next(),
      log: (...parts) => {
        this.record({ t: this.clockMs, type: 'log', node: state.id, text: parts.map(formatPart).join(' ') });
      },
    };
  }
}

function createStorage(): Storage {
  const data = new Map<string, unknown>();
  return {
    get: <T>(key: string) => (data.has(key) ? (structuredClone(data.get(key)) as T) : undefined),
    set: (key, value) => void data.set(key, structuredClone(value)),
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
