/**
 * @baristas/sim — a deterministic network of nodes in virtual time.
 *
 * Learner code uses `Node` (what a node sees), `Handlers` (what it does) and `hash32`.
 * Tests build a `Simulation`, add nodes, inject faults and client operations, and read the
 * `Trace` and the history. Checkers and the seed explorer are in `@baristas/sim/check`.
 */
export { hash32 } from './internal/hash.ts';
export { Simulation, type Client, type ClientOptions } from './internal/world.ts';
export { traceDigest } from './internal/digest.ts';
export { VIRTUAL_EPOCH_MS } from './internal/globals.ts';
export type {
  AddNodeOptions,
  Address,
  ClockOptions,
  Delay,
  DropReason,
  Handlers,
  NetworkOptions,
  Node,
  NodeFactory,
  OperationRecord,
  OperationStatus,
  Reply,
  RunOptions,
  RunResult,
  SimulationOptions,
  Storage,
  Trace,
  TraceEvent,
  TraceViolation,
} from './internal/types.ts';
