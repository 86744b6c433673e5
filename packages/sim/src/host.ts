/**
 * @baristas/sim/host — what runs hidden tests rather than writes them: the grader's harness
 * (replay mode, exploration progress), the CLI (decoding a replay string, describing its fault
 * plan) and the trace viewer (the trace's types, a digest to compare two traces).
 */
export {
  ReplaySkip,
  explorationProgress,
  replayMode,
  type ExplorationProgress,
} from './internal/explore.ts';
export { decodeReplay, describePlan, encodeReplay, type Replay } from './internal/plan.ts';
export { traceDigest } from './internal/digest.ts';
export type { Trace, TraceEvent, TraceViolation } from './internal/types.ts';
