/**
 * @baristas/sim/testing — what hidden tests, diagrams and benchmarks use: a `Simulation` to
 * build a network of nodes and drive it, the checkers that judge a run's history, the seed
 * explorer with its fault plans, and the small helpers hidden tests share. Learner code never
 * imports from here; what it uses is `@baristas/sim`.
 */

// Building and running a simulation.
export { Simulation, type Client, type ClientOptions } from './internal/world.ts';
export { VIRTUAL_EPOCH_MS } from './internal/globals.ts';
export type {
  AddNodeOptions,
  ClockOptions,
  Delay,
  DropReason,
  NetworkOptions,
  NodeFactory,
  OperationRecord,
  OperationStatus,
  RunOptions,
  RunResult,
  SimulationOptions,
} from './internal/types.ts';

// The coordination service (ZooKeeper's model) that clients reach with `connectZooKeeper`.
export {
  zooKeeperServer,
  type SessionSnapshot,
  type ZnodeSnapshot,
  type ZooKeeperServer,
  type ZooKeeperServerOptions,
} from './internal/coordination/server.ts';

// Judging a run: each checker answers ok, violated (with the evidence) or unknown.
export type { CheckOk, CheckResult, CheckUnknown, CheckViolated, Operation } from './internal/check/types.ts';
export {
  LINEARIZABILITY_STEPS_MAX_DEFAULT,
  checkLinearizable,
  type CheckLinearizableOptions,
} from './internal/check/linearizability.ts';
export {
  ILLEGAL,
  casRegisterModel,
  kvModel,
  registerModel,
  type CasRegisterInput,
  type Illegal,
  type KvInput,
  type Model,
  type Partition,
  type RegisterInput,
} from './internal/check/models.ts';
export {
  checkConsensus,
  checkConvergence,
  checkExactlyOnce,
  checkMutualExclusion,
  checkPerKeyOrder,
  type ConsensusHistory,
  type ConsumedMessage,
  type ConvergenceOptions,
  type Decision,
  type ExactlyOnceHistory,
  type LockEvent,
  type OutputEvent,
  type PerKeyOrderHistory,
  type PerKeyOrderOptions,
  type ProducedMessage,
  type Proposal,
  type ReplicaState,
} from './internal/check/properties.ts';

// Exploring seeds under faults, shrinking a failure and making it replayable.
export {
  ExplorationFailure,
  assertExploration,
  explore,
  planForSeed,
  runScenario,
  runWorkload,
  type Exploration,
  type ExplorationOk,
  type ExplorationSkipped,
  type ExplorationViolated,
  type ExploreOptions,
  type RunOutcome,
  type Scenario,
  type ScenarioContext,
  type WorkloadOptions,
} from './internal/explore.ts';
export {
  applyPlan,
  emptyPlan,
  generatePlan,
  type FaultPlan,
  type FaultSpace,
  type PlannedClock,
  type PlannedCrash,
  type PlannedCut,
  type PlannedPartition,
  type PlannedPause,
  type PlannedSlow,
} from './internal/plan.ts';

// Watching and judging what nodes do.
export { tapSends } from './internal/check/tap.ts';
export { firstFailure, isObject, runUntil, show } from './internal/test-helpers.ts';
