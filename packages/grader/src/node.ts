/**
 * Grading in Node: each run gets worker threads that import a prebuilt exercise bundle.
 * Used by the CLI and, unchanged, inside the WebContainer payload.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { ExerciseMeta } from './exercise.ts';
import { runSession, type SessionOptions, type WorkerHandle } from './internal/session.ts';
import type { HarnessMessage, HarnessRequest, RuntimeName, TestResult, Verdict } from './internal/verdict.ts';

// Plain CommonJS so it runs under `eval: true`; the bundle itself is ESM, hence import().
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// A browser Worker lives until terminated; keep this one alive too, so a promise that never
// settles meets the time budget (and the same verdict) instead of a silent exit.
setInterval(() => {}, 1 << 30);
// Bound now, before learner code could patch parentPort or MessagePort.prototype.
const post = parentPort.postMessage.bind(parentPort);
import(workerData.bundleUrl)
  .then((bundle) => bundle.start(workerData.request, (message) => post(message)))
  .catch((error) => { throw error; });
`;

export interface NodeGradeOptions {
  /** Path of the built exercise bundle (`<id>.js`). */
  bundlePath: string;
  /** The learner's TypeScript source. */
  source: string;
  /** Reported in the verdict: `node` for the CLI, `webcontainer` inside a WebContainer. */
  runtime?: RuntimeName;
  onTest?: (result: TestResult, index: number, total: number) => void;
  /** Told how far a test has got while it explores seeds. */
  onProgress?: SessionOptions['onProgress'];
  /** Replay one simulation run instead of grading (see `SessionOptions.replay`). */
  replay?: string;
}

export async function gradeWithBundle(options: NodeGradeOptions): Promise<Verdict> {
  const bundleUrl = pathToFileURL(options.bundlePath).href;
  const bundle = (await import(bundleUrl)) as { meta: ExerciseMeta };
  return runSession({
    meta: bundle.meta,
    source: options.source,
    runtime: options.runtime ?? 'node',
    onTest: options.onTest,
    onProgress: options.onProgress,
    ...(options.replay !== undefined ? { replay: options.replay } : {}),
    spawn: (request) => spawnThread(bundleUrl, request),
  });
}

function spawnThread(bundleUrl: string, request: HarnessRequest): WorkerHandle {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { bundleUrl, request },
    // Learner code must not print into the CLI's own output; the harness captures console.
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  worker.stdout.resume();
  worker.stderr.resume();
  let crashed: ((reason: string) => void) | undefined;
  let terminated = false;
  worker.on('error', (error) => crashed?.(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
  worker.on('exit', (code) => {
    if (!terminated) crashed?.(`it exited with code ${code}`);
  });
  return {
    onMessage: (listener) => worker.on('message', (message: HarnessMessage) => listener(message)),
    onCrash: (listener) => (crashed = listener),
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}
