import type { ExerciseMeta, RuntimeName, TestResult, Verdict } from '@baristas/grader';
import type { ExplorationProgress } from '@baristas/sim/host';

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

export interface ShellRequest {
  meta: Pick<ExerciseMeta, 'id'>;
  /** Whether the exercise has visible example tests (`<id>.examples.js` on the site). */
  examples: boolean;
  /** The learner's current code, written to `learner.ts` in the shell's folder. */
  source: string;
  /** The terminal's size in character cells. */
  cols: number;
  rows: number;
}

/** An interactive shell in the exercise's folder, shaped like a WebContainer process. */
export interface Shell {
  /** Everything the shell prints, escape sequences included, for a terminal emulator. */
  readonly output: ReadableStream<string>;
  /** Keystrokes, as the terminal emulator encodes them. */
  readonly input: WritableStream<string>;
  /** Resolves with the exit code when the shell ends. */
  readonly exit: Promise<number>;
  resize(size: { cols: number; rows: number }): void;
  /** Replaces `learner.ts` in the shell's folder with the learner's latest code. */
  updateSource(source: string): Promise<void>;
  kill(): void;
}

/** A runtime with real Node can also open a shell for the learner. */
export interface ShellHost {
  openShell(request: ShellRequest): Promise<Shell>;
}

export function canOpenShell(runtime: Runtime): runtime is Runtime & ShellHost {
  return typeof (runtime as Partial<ShellHost>).openShell === 'function';
}
