import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Trace, traceDigest } from '@baristas/sim/host';
import { bundleExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import { registerLearner } from '../../packages/grader/test/fixtures/register-learner.ts';

const ROOT = join(import.meta.dirname, '../..');

// The same command the README documents; process.execPath is the project's Node 24.
function grade(...args: string[]) {
  return gradeIn({}, ...args);
}

function gradeIn(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--experimental-strip-types', 'packages/grader/src/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: ROOT, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run grade', () => {
  it('exits 0 with a passing summary for the reference solution', () => {
    const r = grade('hash-ring', 'sandboxes/hash-ring/solution.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hash-ring: (\d+)\/\1 tests passed \(node, \d+ ms\) — PASSED/);
  });

  it('exits 1 and prints the Verdict JSON for a failing file with --json', () => {
    const r = grade('hash-ring', 'sandboxes/hash-ring/starter.ts', '--json');
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict).toMatchObject({ version: 1, exerciseId: 'hash-ring', passed: false, runtime: 'node' });
    expect(verdict.tests.length).toBeGreaterThan(5);
  });

  it('exits 1 with a clear message for a file with a syntax error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baristas-cli-')), 'broken.ts');
    writeFileSync(file, 'export class HashRing {\n  nodeFor( {\n}\n');
    const r = grade('hash-ring', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Syntax error at line \d+, column \d+/);
  });

  it('exits 2 naming the problem for an unknown exercise, a missing file or bad arguments', () => {
    const unknown = grade('espresso', 'sandboxes/hash-ring/solution.ts');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown exercise "espresso"; known exercises: .*hash-ring/);
    const missing = grade('hash-ring', 'nope.ts');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file: nope.ts/);
    const bad = grade('hash-ring');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: npm run grade/);
  });

  it('replays a failing simulation run with --replay, printing the plan and the trace digest, and writes it with --trace', async () => {
    const fixtures = join(ROOT, 'packages/grader/test/fixtures/sandboxes');
    const env = { BARISTAS_SANDBOXES_DIR: fixtures };
    const work = mkdtempSync(join(tmpdir(), 'baristas-cli-'));
    const file = join(work, 'one-ack.ts');
    writeFileSync(file, registerLearner('one-ack'));
    const first = gradeIn(env, 'register', file, '--json');
    expect(first.code).toBe(1);
    const failed = (JSON.parse(first.stdout) as { tests: { status: string; replay?: string }[] }).tests.find((t) => t.replay);
    expect(failed?.status).toBe('fail');

    const tracePath = join(work, 'trace.json');
    const replayed = gradeIn(env, 'register', file, '--replay', failed!.replay!, '--trace', tracePath);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/^Replaying scenario faulty, seed \d+: .+\.\n/);
    expect(replayed.stdout).toMatch(/register: 0\/1 tests passed/);
    const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as Trace;
    expect(replayed.stdout).toContain(`digest ${traceDigest(trace)}, written to ${tracePath}`);

    // The same string in the Node host gives the identical trace.
    const bundlePath = join(work, 'register.js');
    writeFileSync(bundlePath, await bundleExercise('register', fixtures));
    const host = await gradeWithBundle({ bundlePath, source: registerLearner('one-ack'), replay: failed!.replay! });
    expect(traceDigest(host.tests[0]!.trace!)).toBe(traceDigest(trace));
  });

  it('exits 2 on a malformed replay string, or --trace without --replay', () => {
    const bad = grade('hash-ring', 'sandboxes/hash-ring/solution.ts', '--replay', 'nonsense');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"nonsense" is not a replay string/);
    const lonely = grade('hash-ring', 'sandboxes/hash-ring/solution.ts', '--trace', 'x.json');
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toMatch(/--trace needs --replay/);
  });
});
