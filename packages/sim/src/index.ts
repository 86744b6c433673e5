/**
 * @baristas/sim — a deterministic network of nodes in virtual time.
 *
 * Learner code uses `Node` (what a node sees), `Handlers` (what it does) and `hash32`.
 * Tests build a `Simulation`, add nodes, schedule actions and read the `Trace`.
 */
export { hash32 } from './internal/hash.ts';
export { Simulation } from './internal/world.ts';
export { traceDigest } from './internal/digest.ts';
export type {
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
} from './internal/types.ts';
