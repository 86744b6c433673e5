/** A node's name on the simulated network, e.g. `"barista-1"`. */
export type Address = string;

/** Durable key–value storage of one node. Values are copied in and out, as if written to disk. */
export interface Storage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
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
  /** Virtual time in milliseconds since the simulation started. */
  now(): number;
  /**
   * Sends a message. The network may delay it (messages can overtake each other) or drop it,
   * as the simulation's options say; the body is copied, so later changes to it are not seen.
   */
  send(to: Address, body: unknown): void;
  /** Calls `callback` after `delayMs` of virtual time; returns an id for `clearTimer`. */
  setTimer(delayMs: number, callback: () => void): number;
  /** Cancels a timer; cancelling a fired or unknown timer does nothing. */
  clearTimer(timerId: number): void;
  /** Durable storage: the one place state survives a crash. */
  readonly storage: Storage;
  /** A seeded random float in [0, 1), from this node's own stream. */
  random(): number;
  /** Writes a line to this node's log in the trace. */
  log(...parts: unknown[]): void;
}

/** What a node does when things happen to it. Every handler is optional. */
export interface Handlers {
  /** Runs once, at time 0 (or when the node is added later). */
  onStart?(): void;
  /** Runs when a message is delivered to this node. */
  onMessage?(from: Address, body: unknown): void;
}

/** Builds a node's handlers from its view of the world; called once per node. */
export type NodeFactory = (node: Node) => Handlers;

export interface SimulationOptions {
  /** Root seed: every random choice of the run derives from it. */
  seed: number;
  /** Probability in [0, 1] that the network loses a message. Default 0. */
  dropProbability?: number;
  /** Smallest network delay of a message, in virtual ms. Default 1. */
  delayMsMin?: number;
  /** Largest network delay of a message, in virtual ms (uniformly drawn). Default 10. */
  delayMsMax?: number;
}

export interface RunOptions {
  /** Stop before any event later than this virtual time. Default: run until nothing is scheduled. */
  untilMs?: number;
  /** Stop after this many events, a guard against protocols that never go quiet. Default 1,000,000. */
  maxEvents?: number;
}

export interface RunResult {
  /** Virtual time when the run stopped. */
  nowMs: number;
  /** Events processed by this call. */
  events: number;
  /** Why the run stopped. */
  stoppedBy: 'quiet' | 'untilMs' | 'maxEvents';
}

/** One thing that happened, at virtual time `t` (ms). Message ids are unique within a run. */
export type TraceEvent =
  | { t: number; type: 'start'; node: Address }
  | { t: number; type: 'send'; msg: number; from: Address; to: Address; body: unknown }
  | { t: number; type: 'deliver'; msg: number; from: Address; to: Address }
  | { t: number; type: 'drop'; msg: number; from: Address; to: Address; reason: 'network' | 'no-such-node' }
  | { t: number; type: 'timer'; node: Address; timer: number }
  | { t: number; type: 'log'; node: Address; text: string };

/** The record of a run: versioned so that viewers can refuse what they cannot read. */
export interface Trace {
  version: 1;
  seed: number;
  events: TraceEvent[];
}
