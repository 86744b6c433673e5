/**
 * @baristas/sim/check — what hidden tests use to judge simulations: checkers over a run's
 * history or observations (each answers ok, violated with the evidence, or unknown), and the
 * seed explorer that finds a failing run, shrinks its fault plan and makes it replayable.
 */
export type { CheckOk, CheckResult, CheckUnknown, CheckViolated, Operation } from './internal/check/types.ts';
export * from './internal/check/linearizability.ts';
export * from './internal/check/properties.ts';
export { tapSends } from './internal/check/tap.ts';
export {
  ExplorationFailure,
  ReplaySkip,
  assertExploration,
  explorationProgress,
  explore,
  planForSeed,
  replayMode,
  runScenario,
  runWorkload,
  type Exploration,
  type ExplorationOk,
  type ExplorationProgress,
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
  decodeReplay,
  describePlan,
  emptyPlan,
  encodeReplay,
  generatePlan,
  type FaultPlan,
  type FaultSpace,
  type PlannedClock,
  type PlannedCrash,
  type PlannedCut,
  type PlannedPartition,
  type PlannedSlow,
  type Replay,
} from './internal/plan.ts';
