/**
 * Verdict parity between the two runtimes a learner's Run can use: every exercise's solution,
 * starter, alternatives and mutants are graded by the exercise bundle in a Chromium Web Worker (driven by the
 * same host session the site's worker runtime uses) and by the WebContainer payload (the tree
 * and command the site mounts into a WebContainer, run here in local Node). The verdicts must
 * agree test for test, and say what each file is known to deserve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { bundleExercise, bundlePayloadRunner, learnerFile, learnerFiles, listExercises, loadExercise, REPO_ROOT } from '@baristas/grader/build';
import type { ExerciseMeta, Verdict } from '@baristas/grader';
import { launch } from './browser.ts';
import type { StaticServer } from './static-server.ts';
import { serveWorkerPage } from './fixtures/worker-page.ts';
import { runPayload } from '../fixtures/payload.ts';

interface Case {
  exercise: string;
  /** Relative to the exercise's sandbox: `solution.ts`, `alternatives/<name>.ts`, `mutants/<name>.patch`… */
  file: string;
  expectPass: boolean;
}

const cases: Case[] = listExercises().flatMap((exercise) =>
  learnerFiles(exercise).map((f) => ({ exercise, file: f.path, expectPass: f.mustPass })),
);

/**
 * The page side of the worker runtime (src/runtimes/worker-runtime.ts) without Vite: the
 * grader's host session, spawning one module Worker per run (`/worker.mjs` of the worker page
 * imports the bundle and calls its `start`, as src/runtimes/grader.worker.ts does).
 */
const HOST = `
import { runSession } from '@baristas/grader';
globalThis.gradeInWorker = (meta, bundleUrl, source) =>
  runSession({
    meta,
    source,
    runtime: 'worker',
    spawn: (request) => {
      const worker = new Worker('/worker.mjs', { type: 'module' });
      const handle = {
        onMessage: (listener) => worker.addEventListener('message', (e) => listener(e.data)),
        onCrash: (listener) =>
          worker.addEventListener('error', (e) => {
            e.preventDefault();
            listener(e.message || 'the worker failed to start or ran out of memory');
          }),
        terminate: () => worker.terminate(),
      };
      worker.postMessage({ bundleUrl, request });
      return handle;
    },
  });
`;

let browser: Browser;
let server: StaticServer;
let page: Page;
let work: string;
let runner: string;
const bundles = new Map<string, string>();
const metas = new Map<string, ExerciseMeta>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'baristas-e2e-parity-'));
  const ids = [...new Set(cases.map((c) => c.exercise))];
  const [host, runnerCode, ...built] = await Promise.all([
    build({
      stdin: { contents: HOST, resolveDir: REPO_ROOT, sourcefile: 'host.ts', loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    }),
    bundlePayloadRunner(),
    ...ids.map(async (id) => [id, await bundleExercise(id), await loadExercise(id)] as const),
  ]);
  runner = runnerCode;
  for (const [id, bundle, meta] of built) {
    bundles.set(id, bundle);
    metas.set(id, meta);
  }
  const files: Record<string, string> = { 'host.js': host.outputFiles[0]!.text };
  for (const [id, bundle] of bundles) files[`${id}.js`] = bundle;
  [browser, server] = await Promise.all([launch(), serveWorkerPage(files)]);
  page = await browser.newPage();
  await page.goto(server.url);
  await page.addScriptTag({ url: '/host.js', type: 'module' });
  await page.waitForFunction(() => 'gradeInWorker' in globalThis);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function gradeInWorker(exercise: string, source: string): Promise<Verdict> {
  const { id, budgets } = metas.get(exercise)!;
  return page.evaluate(
    ({ meta, bundleUrl, source }) =>
      (globalThis as unknown as { gradeInWorker(m: unknown, u: string, s: string): Promise<Verdict> }).gradeInWorker(meta, bundleUrl, source),
    { meta: { id, ...(budgets ? { budgets } : {}) }, bundleUrl: `${server.url}/${exercise}.js`, source },
  );
}

/** Everything a learner is shown; timings (durationMs) naturally differ. */
const comparable = (v: Verdict) => ({
  exerciseId: v.exerciseId,
  passed: v.passed,
  problem: v.problem,
  tests: v.tests.map(({ name, status, message, console, replay }) => ({ name, status, message, console, replay })),
});

describe('verdict parity: browser worker and WebContainer payload (in local Node)', () => {
  it('covers every exercise, each with a solution, a starter, alternatives and mutants', () => {
    const ids = listExercises();
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      for (const folder of ['alternatives/', 'mutants/']) {
        expect(cases.filter((c) => c.exercise === id && c.file.startsWith(folder)).length, `${id}: ${folder}`).toBeGreaterThan(0);
      }
    }
  });

  it.each(cases)('$exercise/$file: same verdict in both runtimes', async ({ exercise, file, expectPass }) => {
    const source = learnerFile(exercise, file).source();
    const [inWorker, inPayload] = await Promise.all([
      gradeInWorker(exercise, source),
      runPayload(join(work, exercise, file.replace(/\W/g, '-')), { runner, bundle: bundles.get(exercise)!, source }),
    ]);
    expect(inWorker.runtime).toBe('worker');
    expect(inPayload.runtime).toBe('webcontainer');
    expect(comparable(inWorker)).toEqual(comparable(inPayload));

    // Both agreeing is not enough: grading broken the same way in both would agree too.
    expect(inWorker.tests.length).toBeGreaterThan(0);
    expect(inWorker.passed).toBe(expectPass);
    if (expectPass) {
      expect(inWorker.problem).toBeUndefined();
      expect(inWorker.tests.every((t) => t.status === 'pass')).toBe(true);
    } else {
      expect(inWorker.problem !== undefined || inWorker.tests.some((t) => t.status !== 'pass')).toBe(true);
    }
  });
});
