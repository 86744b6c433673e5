/**
 * The WebContainer runtime mounts a file tree and runs `node run.mjs …` in it. CI cannot reach
 * StackBlitz, so this runs exactly that tree with local Node and checks that its verdicts match
 * the Node host's, test for test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleExercise, bundlePayloadRunner, learnerFile } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import type { Verdict } from '@baristas/grader';
import { payloadOutputReader, type PayloadEvent } from '../../src/runtimes/payload.ts';
import { runPayload as runPayloadIn, runWrittenPayload, writePayload } from '../fixtures/payload.ts';

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
  it.each(['solution.ts', 'starter.ts', 'mutants/no-wrap-around.patch'])('gives the same verdict as the Node host for %s', async (file) => {
    const source = learnerFile('hash-ring', file).source();
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

describe('reading the payload’s streamed output', () => {
  it('hears every test and the exploration progress, whatever the chunking, and ends with the verdict', async () => {
    const id = 'read-your-writes';
    const [ryw, source] = [await bundleExercise(id), learnerFile(id, 'solution').source()];
    const dir = join(work, 'stream');
    writePayload(dir, { runner, bundle: ryw, source });
    // The output cut into 7-character pieces, splitting lines anywhere, as a stream may deliver it.
    let stdout = '';
    const events: PayloadEvent[] = [];
    const verdict = await runWrittenPayload(dir, undefined, {
      onEvent: (e) => events.push(e),
      chunk: (out) => {
        stdout = out;
        return out.match(/[\s\S]{1,7}/g) ?? [];
      },
    });
    expect(verdict).toEqual(JSON.parse(stdout.trim().split('\n').at(-1)!));
    expect(verdict.passed).toBe(true);
    const tests = events.filter((e) => e.event === 'test');
    expect(tests.map((e) => e.index)).toEqual(verdict.tests.map((_, i) => i));
    expect(tests.map((e) => e.result.name)).toEqual(verdict.tests.map((t) => t.name));
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const e of progress) {
      expect(e.progress.fraction).toBeGreaterThanOrEqual(0);
      expect(e.progress.fraction).toBeLessThan(1);
      expect(e.progress.runs).toBeGreaterThan(0);
    }
  }, 30_000);

  it('refuses output without a verdict', () => {
    const reader = payloadOutputReader(() => {});
    reader.push('{"event":"test","index":0,"total":1,"result":{"name":"x","status":"pass","durationMs":1}}\nSegmentation');
    expect(() => reader.verdict()).toThrow(/printed no verdict: Segmentation/);
  });
});
