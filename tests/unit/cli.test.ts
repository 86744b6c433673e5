import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

// The same command the README documents; process.execPath is the project's Node 24.
function grade(...args: string[]) {
  const r = spawnSync(process.execPath, ['--experimental-strip-types', 'packages/grader/src/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: ROOT },
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
});
