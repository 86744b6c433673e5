/**
 * `npm run new`: the scaffold it writes is a gradable exercise (it bundles, and its starter is
 * graded test by test with its TODO message), and it refuses what would break the course.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, bundleExercise, learnerFiles, loadExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';

// Inside the repository, so the scaffold's imports resolve to the workspace packages.
mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
const sandboxes = mkdtempSync(join(REPO_ROOT, '.cache', 'new-exercise-'));
afterAll(() => rmSync(sandboxes, { recursive: true, force: true }));

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--experimental-strip-types', 'scripts/new-exercise.ts', ...args, '--sandboxes', sandboxes], { cwd: REPO_ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('npm run new', () => {
  it('scaffolds every file and prints the line for the chapter', async () => {
    const { code, stdout } = await run('tea-order', '--chapter', '02-cap', '--title', 'Tea orders');
    expect(code).toBe(0);
    for (const f of ['exercise.ts', 'brief.md', 'hints.md', 'starter.ts', 'solution.ts', 'hidden.test.ts', 'alternatives', 'mutants']) {
      expect(existsSync(join(sandboxes, 'tea-order', f)), f).toBe(true);
    }
    expect(stdout).toContain('<Exercise id="tea-order" />');
    expect(stdout).toContain('content/02-cap/index.mdx');
    expect(await loadExercise('tea-order', sandboxes)).toMatchObject({ id: 'tea-order', title: 'Tea orders', chapter: '02-cap' });
  }, 30_000);

  it('writes an exercise the grader runs: the starter fails test by test with its TODO', async () => {
    const bundlePath = join(sandboxes, 'tea-order.js');
    writeFileSync(bundlePath, await bundleExercise('tea-order', sandboxes));
    const starter = learnerFiles('tea-order', sandboxes).find((f) => f.kind === 'starter')!;
    const v = await gradeWithBundle({ bundlePath, source: starter.source() });
    expect(v.problem).toBeUndefined();
    expect(v.passed).toBe(false);
    expect(v.tests.length).toBeGreaterThan(0);
    expect(v.tests[0]!.message).toMatch(/TODO/);
  }, 60_000);

  it('refuses an id that exists, an id that is not kebab-case, and a chapter that is not a folder', async () => {
    const before = readFileSync(join(sandboxes, 'tea-order', 'brief.md'), 'utf8');
    const again = await run('tea-order', '--chapter', '02-cap');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/tea-order exists already/);
    expect(readFileSync(join(sandboxes, 'tea-order', 'brief.md'), 'utf8')).toBe(before);

    const badId = await run('Tea_Order', '--chapter', '02-cap');
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/kebab-case/);

    const badChapter = await run('coffee-saga', '--chapter', '05-synchronisation');
    expect(badChapter.code).not.toBe(0);
    expect(badChapter.stderr).toMatch(/no chapter "05-synchronisation"; the chapters are 01-storage, .*05-synchronization/);
    expect(existsSync(join(sandboxes, 'coffee-saga'))).toBe(false);
  }, 30_000);
});
