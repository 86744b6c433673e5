/**
 * Simulation tests through the grader: a failing exploration reaches the verdict with its replay
 * string, and replaying that string reproduces the identical trace in the Node host and in the
 * WebContainer payload (run here in local Node). The browser worker and the CLI are checked by
 * tests/e2e/replay.test.ts and tests/unit/cli.test.ts against the same digests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceDigest } from '@baristas/sim/host';
import { bundleExercise, bundlePayloadRunner } from '../src/build.ts';
import { gradeWithBundle } from '../src/node.ts';
import type { Verdict } from '../src/index.ts';
import { registerLearner } from './fixtures/register-learner.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/sandboxes');
let dir: string;
let bundlePath: string;
let broken: Verdict;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baristas-replay-'));
  bundlePath = join(dir, 'register.js');
  writeFileSync(bundlePath, await bundleExercise('register', fixtures));
  writeFileSync(join(dir, 'run.mjs'), await bundlePayloadRunner());
  broken = await gradeWithBundle({ bundlePath, source: registerLearner('one-ack') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const faulty = () => broken.tests.find((t) => t.name === 'register › stays linearizable under drops and crashes')!;

/** Runs the WebContainer payload's command in local Node, as the payload test does. */
function payloadReplay(source: string, replay: string): Verdict {
  const work = join(dir, `payload-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work);
  writeFileSync(join(work, 'learner.ts'), source);
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [join(dir, 'run.mjs'), bundlePath, 'learner.ts', '--replay', replay], { cwd: work, encoding: 'utf8' });
  } catch (error) {
    stdout = (error as { stdout: string }).stdout;
  }
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Verdict;
}

describe('simulation tests in the grader', () => {
  it('passes the correct register', async () => {
    const v = await gradeWithBundle({ bundlePath, source: registerLearner('correct') });
    expect(v.tests.map((t) => t.status)).toEqual(['pass', 'pass', 'pass']);
    expect(v.tests.every((t) => t.replay === undefined && t.trace === undefined)).toBe(true);
  });

  it('fails the broken one with the violation, the seed, the shrunk plan, the hint and a replay string', () => {
    const t = faulty();
    expect(t.status).toBe('fail');
    expect(t.replay).toMatch(/^faulty\/\d+\//);
    const lines = t.message!.split('\n');
    expect(lines[0]).toMatch(/^No order of the operations explains/);
    expect(lines[1]).toMatch(/^Seed \d+; smallest fault plan that still fails: /);
    expect(lines[2]).toBe('Hint: a write is done only when a majority has stored it.');
    expect(lines[3]).toBe(`Replay: ${t.replay}`);
    // A verdict stays small: the trace comes only with a replay.
    expect(t.trace).toBeUndefined();
  });

  it('replays the failing run in the Node host: only that test, with its trace, failing the same way', async () => {
    const t = faulty();
    const replayed = await gradeWithBundle({ bundlePath, source: registerLearner('one-ack'), replay: t.replay! });
    expect(replayed.passed).toBe(false);
    expect(replayed.tests).toHaveLength(1);
    const [r] = replayed.tests;
    expect(r).toMatchObject({ name: t.name, status: 'fail', message: t.message, replay: t.replay });
    expect(r!.trace).toMatchObject({ version: 2, replay: t.replay, violation: { property: 'linearizability' } });
    const again = await gradeWithBundle({ bundlePath, source: registerLearner('one-ack'), replay: t.replay! });
    expect(traceDigest(again.tests[0]!.trace!)).toBe(traceDigest(r!.trace!));
  });

  it('replays the identical trace in the WebContainer payload', async () => {
    const t = faulty();
    const host = await gradeWithBundle({ bundlePath, source: registerLearner('one-ack'), replay: t.replay! });
    const payload = payloadReplay(registerLearner('one-ack'), t.replay!);
    expect(payload.runtime).toBe('webcontainer');
    expect(payload.tests).toHaveLength(1);
    expect(traceDigest(payload.tests[0]!.trace!)).toBe(traceDigest(host.tests[0]!.trace!));
  });

  it('replays a run that passes, for looking at a healthy trace', async () => {
    const v = await gradeWithBundle({ bundlePath, source: registerLearner('correct'), replay: 'calm/3/-' });
    expect(v.passed).toBe(true);
    expect(v.tests).toMatchObject([{ name: 'register › stays linearizable on a calm network', status: 'pass' }]);
    expect(v.tests[0]!.trace!.events.some((e) => e.type === 'complete')).toBe(true);
    expect(v.tests[0]!.trace!.violation).toBeUndefined();
  });

  it('explains a malformed replay string and one from another exercise', async () => {
    const bad = await gradeWithBundle({ bundlePath, source: registerLearner('correct'), replay: 'faulty/seven/-' });
    expect(bad).toMatchObject({ passed: false, tests: [], problem: { kind: 'replay' } });
    expect(bad.problem!.message).toMatch(/is not a replay string \(seed "seven" is not a whole number\)/);
    const elsewhere = await gradeWithBundle({ bundlePath, source: registerLearner('correct'), replay: 'quorum-reads/1/-' });
    expect(elsewhere).toMatchObject({ passed: false, tests: [], problem: { kind: 'replay' } });
    expect(elsewhere.problem!.message).toMatch(/No test of this exercise has a scenario named "quorum-reads"/);
  });
});
