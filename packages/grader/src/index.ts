/**
 * @baristas/grader — runs an exercise's hidden tests against learner code and returns a Verdict.
 * Browser-safe entry: the host driver and the types. Node-only parts live in `./node` and `./build`.
 */
export { defineExercise, DEFAULT_BUDGETS, type ExerciseMeta } from './exercise.ts';
export { runSession, type SessionOptions, type WorkerHandle } from './internal/session.ts';
export type {
  HarnessMessage,
  HarnessRequest,
  LoadProblem,
  RuntimeName,
  TestResult,
  TestStatus,
  Verdict,
} from './internal/verdict.ts';
