/** A node's name on the simulated network, e.g. `"barista-1"`. */
export type Address = string;

/**
 * Durable key–value storage of one node: the one place state survives a crash. Values are
 * copied in and out, as if written to and read from disk.
 */
export interface Storage {
  /** The value stored under `key` (a copy), or `undefined`. */
  get<T = unknown>(key: string): T | undefined;
  /** Stores a copy of `value` under `key`. */
  set(key: string, value: unknown): void;
  /** Removes `key`; removing a missing key does nothing. */
  delete(key: string): void;
  /** Every stored key, sorted. */
  keys(): string[];
}

/**
 * What a node's code sees of the world. Everything here is simulated: time is virtual, the
 * network is the simulation's, randomness is seeded. A node that only uses this interface
 * behaves identically every time the same seed is run.
 */
export interface Node {
  /** This node's address. */
  readonly id: Address;
  /** Every other node's address, in the order they were added. */
  readonly peers: readonly Address[];
  /**
   * This node's local clock, in ms. It starts at 0 with the simulation and advances with
   * virtual time, unless the test gave the node a skewed or drifting clock: then it is what a
   * real node would read, off by the skew and drifting apart over time. Compare readings of
   * the same node's clock; readings of two nodes' clocks need not agree.
   */
  now(): number;
  /**
   * Sends a message. The network may delay it (messages can overtake each other), lose it, or
   * deliver it twice, as the simulation's options and faults say. The body is copied, so later
   * changes to it are not seen; it must be plain data (objects, arrays, strings, numbers,
   * booleans, null, Maps, Sets), not functions or class instances with methods.
   */
  send(to: Address, body: unknown): void;
  /**
   * Calls `callback` after `delayMs` of virtual time and returns an id for `clearTimer`.
   * A crash cancels every timer of the node.
   */
  setTimer(delayMs: number, callback: () => void): number;
  /** Cancels a timer; cancelling a fired or unknown timer does nothing. */
  clearTimer(timerId: number): void;
  /** Durable storage: the one place state survives a crash. */
  readonly storage: Storage;
  /** A seeded random float in [0, 1), from this node's own stream. */
  random(): number;
  /** Writes a line to this node's log in the trace; the trace viewer shows it. */
  log(...parts: unknown[]): void;
}

/**
 * Answers a client request. Call it once; calling it after the client gave up (timed out)
 * does nothing, and calling it twice is an error.
 */
export type Reply = (response: unknown) => void;

/**
 * What a node does when things happen to it. Every handler is optional and must be
 * synchronous: to wait for something, set a timer or handle the message that answers it.
 */
export interface Handlers {
  /** Runs when the node starts: at time 0, when added later, and after every restart. */
  onStart?(): void;
  /** Runs when a message is delivered to this node. */
  onMessage?(from: Address, body: unknown): void;
  /** Runs when a client asks this node to do something; answer through `reply`. */
  onRequest?(request: unknown, reply: Reply): void;
}

/**
 * Builds a node's handlers from its view of the world. Called when the node starts and again
 * at every restart, so everything it keeps outside `node.storage` starts afresh.
 */
export type NodeFactory = (node: Node) => Handlers;

/**
 * How long the network takes to deliver a message, in virtual ms.
 * - `fixed`: always `ms`, so messages between two nodes arrive in order.
 * - `uniform`: any whole number of ms in [`msMin`, `msMax`], so messages reorder.
 * - `exponential`: mostly short with a long tail: `msMin` plus an exponential draw with mean
 *   `msMean`, rounded to whole ms and capped at `msMax`.
 */
export type Delay =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; msMin: number; msMax: number }
  | { kind: 'exponential'; msMean: number; msMin?: number; msMax?: number };

/** How the network behaves when no fault is active. Every field can change mid-run. */
export interface NetworkOptions {
  /** Probability in [0, 1] that the network loses a message. Default 0. */
  dropProbability?: number;
  /** Probability in [0, 1] that the network delivers a message twice. Default 0. */
  duplicateProbability?: number;
  /** Delay distribution. Default: uniform over 1–10 ms. */
  delay?: Delay;
}

/** How to build a `Simulation`: its seed, its network when no fault is active, its trace. */
export interface SimulationOptions extends NetworkOptions {
  /** Root seed: every random choice of the run derives from it. */
  seed: number;
  /**
   * Most events the trace keeps. Past it, the trace keeps the first and the last half and
   * says how many it left out in between. Default 20,000.
   */
  traceEventsMax?: number;
  /**
   * Whether to record a trace. Default true. The explorer turns it off for the runs it only
   * needs a verdict from (most of them), which makes them much cheaper; reading `trace` then
   * throws.
   */
  recordTrace?: boolean;
}

/** A node's clock: `localMs = offsetMs + virtualMs × (1 + drift)`, anchored when set. */
export interface ClockOptions {
  /** How far ahead (positive) or behind the node's clock reads, in ms, at the moment it is set. */
  offsetMs?: number;
  /** How fast the clock runs fast (positive) or slow, as a fraction: 0.001 is 1 ms per second. */
  drift?: number;
}

/** Options of `Simulation.addNode`. */
export interface AddNodeOptions {
  /** The node's clock; default: exactly virtual time. */
  clock?: ClockOptions;
}

/** When `Simulation.run` stops, besides when nothing is left to do. */
export interface RunOptions {
  /** Stop before any event later than this virtual time. Default: run until nothing is scheduled. */
  untilMs?: number;
  /** Stop after this many events, a guard against protocols that never go quiet. Default 1,000,000. */
  maxEvents?: number;
}

/** How far a call to `Simulation.run` got. */
export interface RunResult {
  /** Virtual time when the run stopped. */
  nowMs: number;
  /** Events processed by this call. */
  events: number;
  /** Why the run stopped. */
  stoppedBy: 'quiet' | 'untilMs' | 'maxEvents';
}

/** Why the network did not deliver a message. */
export type DropReason = 'network' | 'partition' | 'crashed' | 'no-such-node';

/**
 * How a client operation ended.
 * - `ok`: the node replied; `output` is its reply.
 * - `timeout`: no reply within the client's timeout: the operation may or may not have
 *   taken effect (an indeterminate result).
 * - `pending`: the run ended before a reply or a timeout; also indeterminate.
 * - `refused`: the node was down when the client called, so nothing happened.
 */
export type OperationStatus = 'ok' | 'timeout' | 'pending' | 'refused';

/** One client operation in the history of a run. */
export interface OperationRecord {
  /** Unique within the run, in order of invocation. */
  id: number;
  /** The client that issued it. */
  client: string;
  /** The node the client called. */
  node: Address;
  /** What the client asked, as passed to the node's `onRequest`. */
  input: unknown;
  /** The node's reply, when `status` is `ok`. */
  output?: unknown;
  /** How it ended, or `pending` while it has not. */
  status: OperationStatus;
  /** Virtual time of the call, in ms. */
  callMs: number;
  /** Virtual time of the reply or the timeout, in ms; `Infinity` while pending. */
  returnMs: number;
}

/**
 * One thing that happened, at virtual time `t` (ms). Message ids (`msg`) and operation ids
 * (`op`) are unique within a run.
 */
export type TraceEvent =
  | { t: number; type: 'start'; node: Address }
  | { t: number; type: 'send'; msg: number; from: Address; to: Address; body: unknown }
  /** `copy` is 2 for the second delivery of a duplicated message. */
  | { t: number; type: 'deliver'; msg: number; from: Address; to: Address; copy?: 2 }
  | { t: number; type: 'drop'; msg: number; from: Address; to: Address; reason: DropReason }
  /** The network will deliver message `msg` twice. */
  | { t: number; type: 'duplicate'; msg: number; from: Address; to: Address }
  | { t: number; type: 'timer'; node: Address; timer: number }
  | { t: number; type: 'log'; node: Address; text: string }
  | { t: number; type: 'crash'; node: Address }
  | { t: number; type: 'restart'; node: Address }
  /** The node stopped running anything (a long GC pause, a frozen VM) until `resume`. */
  | { t: number; type: 'pause'; node: Address }
  | { t: number; type: 'resume'; node: Address }
  /** From now on only nodes in the same group can talk; nodes in no group form one more group. */
  | { t: number; type: 'partition'; groups: Address[][] }
  /** From now on messages from `from` to `to` are lost (the other direction still works). */
  | { t: number; type: 'cut'; from: Address; to: Address }
  /** Every partition and cut is gone. */
  | { t: number; type: 'heal' }
  /** Messages to and from `node`, and its timers, now take `factor` times as long (1 = normal). */
  | { t: number; type: 'slow'; node: Address; factor: number }
  | { t: number; type: 'clock'; node: Address; offsetMs: number; drift: number }
  | { t: number; type: 'network'; dropProbability: number; duplicateProbability: number }
  | { t: number; type: 'invoke'; op: number; client: string; node: Address; input: unknown }
  | {
      t: number;
      type: 'complete';
      op: number;
      client: string;
      node: Address;
      status: Exclude<OperationStatus, 'pending'>;
      output?: unknown;
    }
  /**
   * The coordination service (`node`) opened, expired or closed session `session` of `client`.
   * `ephemerals` lists the ephemeral znodes an expiry or close deleted.
   */
  | {
      t: number;
      type: 'session';
      node: Address;
      client: Address;
      session: number;
      state: 'opened' | 'expired' | 'closed';
      ephemerals?: string[];
    }
  /** Stands in for `dropped` events the trace left out to stay within its cap. */
  | { t: number; type: 'truncated'; dropped: number };

/** A broken property found in a run, as the trace viewer highlights it. */
export interface TraceViolation {
  /** Short name of the broken property, e.g. `linearizability`. */
  property: string;
  /** What broke, in the exercise's terms. */
  message: string;
  /** Ids of the client operations involved. */
  operations?: number[];
  /** Indices into `events` of the events involved. */
  events?: number[];
}

/**
 * The record of a run: versioned JSON, so viewers can refuse what they cannot read. Everything
 * the trace viewer draws comes from here.
 */
export interface Trace {
  /** The format's version; readers refuse versions they do not know. */
  version: 2;
  /** The root seed of the run. */
  seed: number;
  /** Every node, in the order added. */
  nodes: Address[];
  /** What happened, in the order it happened (ties in virtual time keep scheduling order). */
  events: TraceEvent[];
  /** Events left out to respect `traceEventsMax` (0 when complete). */
  droppedEvents: number;
  /** Set by the explorer when the run broke a property. */
  violation?: TraceViolation;
  /** The string that replays this run, when it came from the explorer. */
  replay?: string;
}
