/**
 * The grading side of a run: lives inside the exercise bundle, so every host (browser Worker,
 * WebContainer, Node worker thread) runs exactly this code. It loads the learner's module,
 * runs the collected hidden tests in order, and reports each one as a message.
 */
import { ReplaySkip, decodeReplay, explorationProgress, replayMode } from '@baristas/sim/host';
import type { ExerciseMeta } from '../exercise.ts';
import { hardenIntrinsics } from './harden.ts';
import { LearnerLoadError, compileLearner, describeError, learnerLocation, type LearnerFactory, type LearnerModule } from './learner.ts';
import { finishSuites, registry, runCollected } from './registry.ts';
import type { HarnessMessage, HarnessRequest, TestResult } from './verdict.ts';

export interface HarnessOptions {
  meta: ExerciseMeta;
  /**
   * Points the hidden tests' `@baristas/learner` import at the learner's exports, and its
   * `newInstance()` at `factory`.
   */
  bind: (module: LearnerModule, factory: LearnerFactory) => void;
  /** The only modules learner code may import. */
  modules: Record<string, unknown>;
}

const CONSOLE_LINES_MAX = 100;
const CONSOLE_LINE_CHARS_MAX = 500;
const NETWORK_GLOBALS = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts'];

export function createHarness(options: HarnessOptions) {
  return async function start(request: HarnessRequest, postRaw: (message: HarnessMessage) => void): Promise<void> {
    const nonce = request.nonce;
    const post = (message: HarnessMessage): void => postRaw(nonce === undefined ? message : { ...message, nonce });
    removeNetwork();
    const tests = registry.tests;
    post({ type: 'collected', tests: tests.map((t) => t.name) });

    if (request.replay !== undefined) {
      try {
        replayMode.set(request.replay);
      } catch (error) {
        post({ type: 'load-error', problem: { kind: 'replay', message: error instanceof Error ? error.message : String(error) } });
        return;
      }
    }

    hardenIntrinsics();
    let module: LearnerModule;
    let factory: LearnerFactory;
    // What the module prints while loading is captured like test output (a flood at the top
    // level must not reach the real console, which is slow enough to hit the load budget) and
    // shown with the first test.
    const loadLines: string[] = [];
    const restoreLoad = captureConsole(loadLines);
    try {
      factory = compileLearner(request.source, options.modules);
      module = factory();
    } catch (error) {
      if (!(error instanceof LearnerLoadError)) throw error;
      post({ type: 'load-error', problem: error.problem });
      return;
    } finally {
      restoreLoad();
    }
    const missing = options.meta.exports.filter((name) => module[name] === undefined);
    if (missing.length > 0) {
      const found = Object.keys(module);
      post({
        type: 'load-error',
        problem: {
          kind: 'missing-export',
          message:
            `Your file must export ${missing.map((m) => `\`${m}\``).join(', ')}` +
            (found.length > 0 ? `; it exports ${found.map((m) => `\`${m}\``).join(', ')}.` : '; it exports nothing.') +
            ' Check the name and the `export` keyword.',
        },
      });
      return;
    }
    options.bind(module, factory);
    post({ type: 'loaded' });

    const started = new Set<never>();
    for (let index = request.startAt; index < tests.length; index++) {
      const test = tests[index]!;
      post({ type: 'test-start', index });
      explorationProgress.listen((progress) => post({ type: 'progress', index, progress }));
      const lines: string[] = index === request.startAt && loadLines.length > 0 ? loadLines.map((l) => `[while loading] ${l}`) : [];
      const restore = captureConsole(lines);
      const t0 = performance.now();
      let result: TestResult;
      try {
        await runCollected(test, started);
        result = { name: test.name, status: 'pass', durationMs: 0 };
      } catch (error) {
        result = { name: test.name, ...judge(error), durationMs: 0 };
      } finally {
        explorationProgress.listen(undefined);
        restore();
      }
      result.durationMs = Math.round(performance.now() - t0);
      if (lines.length > 0) result.console = lines;
      if (request.replay !== undefined) {
        // In a replay, only the test that owns the replayed scenario counts; it carries the trace.
        const replayed = replayMode.result();
        if (!replayed || replayed.outcome === 'skipped') {
          post({ type: 'test-end', index, result: { name: test.name, status: 'skipped', durationMs: result.durationMs } });
          continue;
        }
        if (replayed.trace) result.trace = replayed.trace;
        post({ type: 'test-end', index, result });
        post({ type: 'done' });
        return;
      }
      post({ type: 'test-end', index, result });
    }
    if (request.replay !== undefined) {
      const name = decodeReplay(request.replay).scenario;
      post({
        type: 'load-error',
        problem: { kind: 'replay', message: `No test of this exercise has a scenario named "${name}"; was the replay string copied from another exercise?` },
      });
      return;
    }
    try {
      await finishSuites(started);
    } catch {
      // A failing afterAll cannot change results already reported.
    }
    post({ type: 'done' });
  };
}

/**
 * Describes what a test threw. Learner code can throw anything, including objects whose
 * properties throw when read; describing them must never take the harness down.
 */
function judge(error: unknown): Pick<TestResult, 'status' | 'message' | 'replay'> {
  try {
    return judgeUnsafe(error);
  } catch {
    return { status: 'error', message: 'Your code threw a value that cannot even be described (reading it threw again).' };
  }
}

function judgeUnsafe(error: unknown): Pick<TestResult, 'status' | 'message' | 'replay'> {
  if (error instanceof ReplaySkip) return { status: 'skipped' };
  if (error instanceof Error && error.name === 'AssertionError') {
    const replay = (error as { replay?: unknown }).replay;
    // An exploration that failed because the learner's code threw: say where, as for any throw.
    const where = error.cause !== undefined ? learnerLocation(error.cause) : undefined;
    const message = where ? error.message.replace(/\n|$/, ` (line ${where.line} of your code)\n`).replace(/\n$/, '') : error.message;
    return { status: 'fail', message, ...(typeof replay === 'string' ? { replay } : {}) };
  }
  const where = learnerLocation(error);
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    // Without a line of the learner's in the stack, the recursion was in checking the result
    // (comparing or printing it), which happens with a cyclic structure.
    return {
      status: 'error',
      message: where
        ? `Your code recursed too deeply (${error.message})${atLine(where)}.`
        : `Checking your result recursed too deeply (${error.message}): is it a cyclic structure, or nested far too deep?`,
    };
  }
  return { status: 'error', message: `Your code threw ${describeError(error)}${atLine(where)}` };
}

const atLine = (where: { line: number } | undefined): string => (where ? ` (line ${where.line} of your code)` : '');

function removeNetwork(): void {
  for (const name of NETWORK_GLOBALS) {
    if (name in globalThis) {
      Object.defineProperty(globalThis, name, { value: undefined, writable: false, configurable: false });
    }
  }
  // In Node hosts, built-in modules (fs, net, worker_threads) are one call away without
  // `require`; learner code only gets the modules the exercise allows.
  const proc = (globalThis as unknown as { process?: Record<string, unknown> }).process;
  if (proc && typeof proc.getBuiltinModule === 'function') {
    Object.defineProperty(proc, 'getBuiltinModule', { value: undefined, writable: false, configurable: false });
  }
}

function captureConsole(lines: string[]): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  let dropped = 0;
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      if (lines.length >= CONSOLE_LINES_MAX) {
        dropped++;
        return;
      }
      const text = args.map(format).join(' ');
      lines.push(text.length > CONSOLE_LINE_CHARS_MAX ? `${text.slice(0, CONSOLE_LINE_CHARS_MAX)}… [line truncated]` : text);
    };
  }
  return () => {
    methods.forEach((m, i) => (console[m] = saved[i]!));
    if (dropped > 0) lines.push(`… [${dropped} more lines not shown]`);
  };
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
