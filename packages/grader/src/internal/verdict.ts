/** Where a verdict was produced. */
export type RuntimeName = 'worker' | 'webcontainer' | 'node';

import type { Trace, ExplorationProgress } from '@baristas/sim/host';

/**
 * How one hidden test ended. `error`: the learner's code threw; `fail`: an expectation did not
 * hold. `skipped` only passes between harness and host during a replay (for the tests that do
 * not own the replayed scenario); verdicts never contain it.
 */
export type TestStatus = 'pass' | 'fail' | 'error' | 'timeout' | 'skipped';

export interface TestResult {
  /** The test's full name as a learner reads it: "describe › it". */
  name: string;
  status: TestStatus;
  /** Why it did not pass, in the exercise's terms. Absent when it passed. */
  message?: string;
  durationMs: number;
  /** What the learner's code printed during this test, truncated with a marker. */
  console?: string[];
  /** For a simulation test that failed: the string that replays the failing run exactly. */
  replay?: string;
  /** In a replay run: the replayed run's trace (bounded by the trace cap). */
  trace?: Trace;
}

/** A problem that stopped the learner's module from being tested at all. */
export interface LoadProblem {
  kind: 'syntax' | 'load-throw' | 'load-timeout' | 'missing-export' | 'crash' | 'replay';
  message: string;
  /** 1-based line in the learner's file, when known. */
  line?: number;
  /** 1-based column in the learner's file, when known. */
  column?: number;
}

/** The one result shape every host (worker, WebContainer, Node CLI) returns. */
export interface Verdict {
  version: 1;
  exerciseId: string;
  /** True when every hidden test passed. */
  passed: boolean;
  runtime: RuntimeName;
  durationMs: number;
  problem?: LoadProblem;
  tests: TestResult[];
}

/**
 * Messages from the grading side (inside the worker) to the host. Each carries the request's
 * `nonce`: learner code runs in the same worker and could post messages of its own.
 */
export type HarnessMessage = (
  | { type: 'collected'; tests: string[] }
  | { type: 'loaded' }
  | { type: 'load-error'; problem: LoadProblem }
  | { type: 'test-start'; index: number }
  | { type: 'test-end'; index: number; result: TestResult }
  /** Test `index` is exploring seeds: how far it has got (at most every 100 ms). */
  | { type: 'progress'; index: number; progress: ExplorationProgress }
  | { type: 'done' }
) & { nonce?: string };

/** What the host asks the grading side to do. */
export interface HarnessRequest {
  /** The learner's TypeScript source. */
  source: string;
  /** Index of the first test to run: after a test timed out, a fresh worker resumes here. */
  startAt: number;
  /** Replay one simulation run instead of grading: a replay string from an earlier verdict. */
  replay?: string;
  /**
   * A secret the host picked for this run. The harness stamps it on every message and the host
   * ignores messages without it, so learner code that posts messages itself cannot forge
   * results. Learner code never sees the request.
   */
  nonce?: string;
}
