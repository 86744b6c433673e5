/**
 * `npm run check` and `npm run mutant`, run as an author runs them, on a copy of hash-ring cut
 * down to one alternative and two mutants: check's table and exit code for right and wrong
 * judgements, and mutant's edit-then-save round trip with the refusals that keep patches honest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, SANDBOXES_DIR, learnerFile } from '@baristas/grader/build';

const ID = 'ring-copy';
// Inside the repository, so the copy's imports resolve to the workspace packages.
mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
const sandboxes = mkdtempSync(join(REPO_ROOT, '.cache', 'authoring-'));
const dir = join(sandboxes, ID);
const editPath = join(REPO_ROOT, '.cache', 'mutants', ID);
afterAll(() => {
  rmSync(sandboxes, { recursive: true, force: true });
  rmSync(editPath, { recursive: true, force: true });
});

cpSync(join(SANDBOXES_DIR, 'hash-ring'), dir, { recursive: true });
writeFileSync(join(dir, 'exercise.ts'), readFileSync(join(dir, 'exercise.ts'), 'utf8').replace("id: 'hash-ring'", `id: '${ID}'`));
for (const f of readdirSync(join(dir, 'alternatives')).slice(1)) rmSync(join(dir, 'alternatives', f));
for (const f of readdirSync(join(dir, 'mutants')).filter((f) => !['no-wrap-around.patch', 'strict-greater-than.patch'].includes(f))) {
  rmSync(join(dir, 'mutants', f));
}

const run = (script: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--experimental-strip-types', `scripts/${script}.ts`, ...args, '--sandboxes', sandboxes], {
    cwd: REPO_ROOT,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const row = (stdout: string, file: string) => stdout.split('\n').find((l) => l.trim().startsWith(file))?.trim().split(/\s{2,}/);

describe('npm run check', () => {
  it('prints one row per file and exits 0 when every judgement is right', async () => {
    const { code, stdout } = await run('check', ID);
    expect(code, stdout).toBe(0);
    expect(row(stdout, 'solution.ts')?.slice(0, 3)).toEqual(['solution.ts', 'pass', 'pass']);
    expect(row(stdout, 'starter.ts')?.slice(0, 3)).toEqual(['starter.ts', 'fail', 'fail']);
    expect(row(stdout, 'mutants/no-wrap-around.patch')?.slice(1, 3)).toEqual(['fail', 'fail']);
    expect(row(stdout, 'mutants/no-wrap-around.patch')?.[4]).toBe('yes (1)');
    expect(stdout).toMatch(/ok: 1 alternatives, 2 mutants/);
  }, 60_000);

  it('exits non-zero, saying why, when an alternative fails or a mutant escapes its Killed-by test', async () => {
    writeFileSync(join(dir, 'alternatives', 'wraps-not.ts'), `// Alternative: secretly the no-wrap-around mutant\n${learnerFile(ID, 'mutants/no-wrap-around', sandboxes).source()}`);
    const patch = join(dir, 'mutants', 'strict-greater-than.patch');
    const original = readFileSync(patch, 'utf8');
    writeFileSync(patch, original.replace(/^Killed-by: .*$/m, 'Killed-by: empty rings › an empty ring has no owner and no replicas'));
    try {
      const { code, stdout } = await run('check', ID);
      expect(code).toBe(1);
      expect(stdout).toMatch(/✗ alternatives\/wraps-not\.ts: must pass, fails: .*wraps around/);
      expect(stdout).toMatch(/✗ mutants\/strict-greater-than\.patch: Killed-by test passes it: empty rings › an empty ring has no owner/);
      expect(row(stdout, 'mutants/strict-greater-than.patch')?.[4]).toBe('NO');
      expect(stdout).toMatch(/2 WRONG/);
    } finally {
      rmSync(join(dir, 'alternatives', 'wraps-not.ts'));
      writeFileSync(patch, original);
    }
  }, 60_000);
});

describe('npm run mutant', () => {
  const edited = join(editPath, 'no-owner.ts');

  it('starts a new mutant from the solution, and saves it as a patch once it is wrong', async () => {
    const first = await run('mutant', ID, 'no-owner');
    expect(first.code).toBe(0);
    expect(readFileSync(edited, 'utf8')).toBe(readFileSync(join(dir, 'solution.ts'), 'utf8'));

    const unchanged = await run('mutant', ID, 'no-owner', '--save', '--describe', 'nodeFor always answers undefined');
    expect(unchanged.code).toBe(1);
    expect(unchanged.stderr).toMatch(/is the solution unchanged/);

    writeFileSync(edited, readFileSync(edited, 'utf8').replace('nodeFor(key: string): string | undefined {', 'nodeFor(key: string): string | undefined {\n    return undefined;'));
    const saved = await run('mutant', ID, 'no-owner', '--save', '--describe', 'nodeFor always answers undefined');
    expect(saved.code, saved.stderr).toBe(0);
    const mutant = learnerFile(ID, 'mutants/no-owner', sandboxes);
    expect(mutant.description).toBe('nodeFor always answers undefined');
    expect(mutant.killedBy).toHaveLength(1);
    expect(mutant.source()).toBe(readFileSync(edited, 'utf8'));
  }, 60_000);

  it('refuses a change every test passes, and a Killed-by test that passes the mutant', async () => {
    writeFileSync(join(editPath, 'harmless.ts'), readFileSync(join(dir, 'solution.ts'), 'utf8') + '\n// a harmless comment\n');
    const harmless = await run('mutant', ID, 'harmless', '--save', '--describe', 'only a comment differs');
    expect(harmless.code).toBe(1);
    expect(harmless.stderr).toMatch(/every hidden test passes this mutant/);

    await run('mutant', ID, 'no-owner');
    const wrongKiller = await run('mutant', ID, 'no-owner', '--save', '--killed-by', 'replicas › asking for zero replicas gives an empty list');
    expect(wrongKiller.code).toBe(1);
    expect(wrongKiller.stderr).toMatch(/these Killed-by tests pass the mutant:\n {2}replicas › asking for zero replicas/);
  }, 60_000);
});
