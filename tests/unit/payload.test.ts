/**
 * The WebContainer runtime mounts a file tree and runs `node run.mjs …` in it. CI cannot reach
 * StackBlitz, so this runs exactly that tree with local Node and checks that its verdicts match
 * the Node host's, test for test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleExercise, bundlePayloadRunner, SANDBOXES_DIR } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import type { Verdict } from '@baristas/grader';
import { runPayload as runPayloadIn } from '../fixtures/payload.ts';

let work: string;
let runner: string;
let bundle: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'baristas-payload-'));
  [runner, bundle] = await Promise.all([bundlePayloadRunner(), bundleExercise('hash-ring')]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const runPayload = (source: string, name: string): Promise<Verdict> => runPayloadIn(join(work, name), { runner, bundle, source });

const comparable = (v: Verdict) => ({
  passed: v.passed,
  problem: v.problem,
  tests: v.tests.map(({ name, status, message, console }) => ({ name, status, message, console })),
});

describe('the WebContainer payload, run in local Node', () => {
  it.each(['solution.ts', 'starter.ts', 'mutants/no-wrap-around.ts'])('gives the same verdict as the Node host for %s', async (file) => {
    const source = readFileSync(join(SANDBOXES_DIR, 'hash-ring', file), 'utf8');
    const fromPayload = await runPayload(source, file.replace(/\W/g, '-'));
    const bundlePath = join(work, 'host-bundle.js');
    writeFileSync(bundlePath, bundle);
    const fromHost = await gradeWithBundle({ bundlePath, source });
    expect(fromPayload.runtime).toBe('webcontainer');
    expect(comparable(fromPayload)).toEqual(comparable(fromHost));
    expect(fromPayload.passed).toBe(file === 'solution.ts');
  });

  it('reports a syntax error through the payload too', async () => {
    const v = await runPayload('export class HashRing {', 'syntax');
    expect(v.problem?.kind).toBe('syntax');
  });
});
