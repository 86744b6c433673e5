/**
 * Replay in the browser: the exercise bundle in a Chromium Worker finds the same failing run as
 * the Node host, and replaying its string there gives the identical trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { traceDigest } from '@baristas/sim/host';
import { bundleExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import type { TestResult } from '@baristas/grader';
import { registerLearner } from '../../packages/grader/test/fixtures/register-learner.ts';
import { launch } from './browser.ts';
import type { StaticServer } from './static-server.ts';
import { runInWorker, serveWorkerPage } from './fixtures/worker-page.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../packages/grader/test/fixtures/sandboxes');
let browser: Browser;
let server: StaticServer;
let bundlePath: string;

beforeAll(async () => {
  const bundle = await bundleExercise('register', fixtures);
  bundlePath = join(mkdtempSync(join(tmpdir(), 'baristas-e2e-replay-')), 'register.js');
  writeFileSync(bundlePath, bundle);
  [browser, server] = await Promise.all([launch(), serveWorkerPage({ 'register.js': bundle })]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const results = (messages: Awaited<ReturnType<typeof runInWorker>>): TestResult[] =>
  messages.flatMap((m) => (m.type === 'test-end' ? [m.result] : []));

describe('simulation replay in a Chromium worker', () => {
  it('finds the same failure as the Node host, and replays it to the identical trace', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const source = registerLearner('one-ack');
    const graded = results(await runInWorker(page, 'register.js', { source, startAt: 0 }));
    const host = await gradeWithBundle({ bundlePath, source });
    const strip = (t: TestResult) => ({ name: t.name, status: t.status, message: t.message, replay: t.replay });
    expect(graded.map(strip)).toEqual(host.tests.map(strip));
    const failed = graded.find((t) => t.replay)!;
    expect(failed.status).toBe('fail');

    const replayed = results(await runInWorker(page, 'register.js', { source, startAt: 0, replay: failed.replay! }));
    const shown = replayed.filter((t) => t.status !== 'skipped');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ name: failed.name, status: 'fail', message: failed.message });
    const hostReplay = await gradeWithBundle({ bundlePath, source, replay: failed.replay! });
    expect(traceDigest(shown[0]!.trace!)).toBe(traceDigest(hostReplay.tests[0]!.trace!));
    await page.close();
  });
});
