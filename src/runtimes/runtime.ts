import type { ExerciseMeta, RuntimeName, TestResult, Verdict } from '@baristas/grader';
import type { ExplorationProgress } from '@baristas/sim/check';

export interface GradeRequest {
  /** The exercise's id and time budgets, as declared in its `exercise.ts`. */
  meta: Pick<ExerciseMeta, 'id' | 'budgets'>;
  /** The learner's TypeScript source. */
  source: string;
  /** Told of each test as it finishes. */
  onTest?: (result: TestResult, index: number, total: number) => void;
  /** Told how far test `index` has got while it explores seeds, for a progress bar. */
  onProgress?: (progress: ExplorationProgress, index: number, total: number) => void;
  signal?: AbortSignal;
  /** Replay one simulation run (a replay string from a verdict) instead of grading. */
  replay?: string;
}

/** Something that can grade learner code and say which runtime it is. */
export interface Runtime {
  readonly name: RuntimeName;
  grade(request: GradeRequest): Promise<Verdict>;
}

/** URL of an exercise's grader bundle, built into `grader/` of the site. */
export function graderUrl(file: string): string {
  return new URL(`${import.meta.env.BASE_URL.replace(/\/?$/, '/')}grader/${file}`, location.href).href;
}
