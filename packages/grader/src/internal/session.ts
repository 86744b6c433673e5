/**
 * The host side of a run: spawns a disposable worker, enforces the time budgets, and turns
 * the harness's messages into a Verdict. Host-agnostic: the browser passes a Worker factory,
 * Node a worker_threads factory. A test that exceeds its budget gets its worker terminated,
 * is marked `timeout`, and a fresh worker resumes at the next test.
 */
import type { ExplorationProgress } from '@baristas/sim/host';
import { DEFAULT_BUDGETS, type ExerciseMeta } from '../exercise.ts';
import type { HarnessMessage, HarnessRequest, LoadProblem, RuntimeName, TestResult, Verdict } from './verdict.ts';

/** A running worker, as the session needs it. */
export interface WorkerHandle {
  onMessage(listener: (message: HarnessMessage) => void): void;
  /** Called when the worker dies without reporting (uncaught error, out of memory). */
  onCrash(listener: (reason: string) => void): void;
  terminate(): void;
}

export interface SessionOptions {
  meta: Pick<ExerciseMeta, 'id' | 'budgets'>;
  source: string;
  runtime: RuntimeName;
  /** Starts a worker that runs the exercise bundle's `start(request, post)`. */
  spawn: (request: HarnessRequest) => WorkerHandle;
  /** Told of each test as it finishes, for progress display. */
  onTest?: (result: TestResult, index: number, total: number) => void;
  /** Told how far test `index` has got while it explores seeds (at most every 100 ms). */
  onProgress?: (progress: ExplorationProgress, index: number, total: number) => void;
  /** Aborting stops the run; the verdict then marks unfinished tests as not run. */
  signal?: AbortSignal;
  /**
   * Replays one simulation run (a replay string from an earlier verdict) instead of grading:
   * the verdict then holds only the test that owns the scenario, with the run's trace.
   */
  replay?: string;
}

type Outcome =
  | { kind: 'done' }
  | { kind: 'load-error'; problem: LoadProblem }
  | { kind: 'stopped'; at: number; status: 'timeout' | 'error'; message: string };

export async function runSession(options: SessionOptions): Promise<Verdict> {
  const t0 = Date.now();
  const budgets = { ...DEFAULT_BUDGETS, ...options.meta.budgets };
  let names: string[] = [];
  const results: (TestResult | undefined)[] = [];
  let problem: LoadProblem | undefined;
  let startAt = 0;
  let stoppedEarly: string | undefined;

  for (;;) {
    const outcome = await runWorker(startAt);
    if (outcome.kind === 'done') break;
    if (outcome.kind === 'load-error') {
      problem = outcome.problem;
      break;
    }
    if (outcome.at < 0) {
      // The worker died before the first test began: nothing to resume.
      problem = { kind: outcome.status === 'timeout' ? 'load-timeout' : 'crash', message: outcome.message };
      break;
    }
    results[outcome.at] = { name: names[outcome.at] ?? `test ${outcome.at + 1}`, status: outcome.status, message: outcome.message, durationMs: outcome.status === 'timeout' ? budgets.testMs : 0 };
    options.onTest?.(results[outcome.at]!, outcome.at, names.length);
    startAt = outcome.at + 1;
    if (startAt >= names.length || options.signal?.aborted) break;
    if (Date.now() - t0 >= budgets.totalMs) {
      stoppedEarly = `Not run: the run reached its ${budgets.totalMs / 1000} s limit after tests timed out. Fix the timeouts first.`;
      break;
    }
  }

  const all: TestResult[] = names.map(
    (name, i) =>
      results[i] ?? {
        name,
        status: 'error',
        message: problem ? `Not run: ${problem.message}` : (stoppedEarly ?? 'Not run: the run was cancelled.'),
        durationMs: 0,
      },
  );
  // A replay reports the one test that owns the scenario (or, on a problem, nothing).
  const tests =
    options.replay === undefined ? all : problem ? [] : all.filter((t, i) => results[i] !== undefined && t.status !== 'skipped');
  return {
    version: 1,
    exerciseId: options.meta.id,
    passed: !problem && tests.length > 0 && tests.every((t) => t.status === 'pass'),
    runtime: options.runtime,
    durationMs: Date.now() - t0,
    ...(problem ? { problem } : {}),
    tests,
  };

  function runWorker(from: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let current = -1;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const nonce = newNonce();
      const worker = options.spawn({
        source: options.source,
        startAt: from,
        nonce,
        ...(options.replay !== undefined ? { replay: options.replay } : {}),
      });
      const finish = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        worker.terminate();
        resolve(outcome);
      };
      const arm = (ms: number, message: string): void => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: 'stopped', at: current, status: 'timeout', message }), ms);
      };
      const onAbort = (): void => finish({ kind: 'stopped', at: current, status: 'error', message: 'Cancelled.' });
      options.signal?.addEventListener('abort', onAbort);

      arm(
        budgets.loadMs,
        `Your module did not finish loading within ${budgets.loadMs / 1000} s, so it was stopped. Look for a loop at the top level of your file that never ends.`,
      );
      worker.onCrash((reason) =>
        finish({ kind: 'stopped', at: current, status: 'error', message: `The worker running your code crashed: ${reason}` }),
      );
      worker.onMessage((message) => {
        if (message.nonce !== nonce) return; // posted by learner code, not the harness
        switch (message.type) {
          case 'collected':
            names = message.tests;
            break;
          case 'loaded':
            clearTimeout(timer);
            break;
          case 'load-error':
            finish({ kind: 'load-error', problem: message.problem });
            break;
          case 'test-start':
            current = message.index;
            arm(
              budgets.testMs,
              `Stopped after ${budgets.testMs / 1000} s: your code did not finish this test in time. Look for a loop that never ends, a promise that never settles, or work that grows too fast.`,
            );
            break;
          case 'test-end':
            results[message.index] = message.result;
            options.onTest?.(message.result, message.index, names.length);
            // Hooks run between test-end and the next test-start; a hang there is charged to
            // the next test, or ends the run when none is left.
            if (message.index + 1 < names.length) {
              current = message.index + 1;
              arm(budgets.testMs, `Stopped after ${budgets.testMs / 1000} s: a setup hook before this test did not finish.`);
            } else {
              clearTimeout(timer);
              timer = setTimeout(() => finish({ kind: 'done' }), budgets.testMs);
            }
            break;
          case 'progress':
            options.onProgress?.(message.progress, message.index, names.length);
            break;
          case 'done':
            finish({ kind: 'done' });
            break;
        }
      });
    });
  }
}

/** 128 random bits as hex: unguessable by code that never sees the request. */
function newNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
