/**
 * Property checkers over plain, timestamped observations that a hidden test builds from what
 * the learner's code did. Each answers with a `CheckResult` and never throws: a violation's
 * `message` names the evidence (who, what, at which virtual ms) in words a learner can act
 * on, and its `events` are indices into the caller's own array, whatever order it was in.
 */
export { checkMutualExclusion, type LockEvent } from './property-mutual-exclusion.ts';
export { checkConsensus, type ConsensusHistory, type Decision, type Proposal } from './property-consensus.ts';
export { checkConvergence, type ConvergenceOptions, type ReplicaState } from './property-convergence.ts';
export { checkExactlyOnce, type ExactlyOnceHistory, type OutputEvent } from './property-exactly-once.ts';
export {
  checkPerKeyOrder,
  type ConsumedMessage,
  type PerKeyOrderHistory,
  type PerKeyOrderOptions,
  type ProducedMessage,
} from './property-per-key-order.ts';
