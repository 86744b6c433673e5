/**
 * The exercise gate. Every exercise's hidden tests, graded through the real grader (bundle +
 * worker threads): the reference solution and every alternative pass them all; the starter
 * fails at least one without breaking the runner; every mutant fails, and among its failures
 * are the tests its patch names in `Killed-by`. Alternatives guard against failing a correct
 * learner, mutants against passing a wrong one; each exercise has at least MINIMUMS of both.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIMUMS, SANDBOXES_DIR, bundleExercise, hasExamples, learnerFiles, listExercises } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';

// Grading a simulation exercise takes 1–3 s here, and bundling it once more; on a loaded CI
// machine several times that. The grader enforces its own budgets inside.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'baristas-exercises-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundles = new Map<string, Promise<string>>();
function bundleFor(id: string): Promise<string> {
  if (!bundles.has(id)) {
    bundles.set(
      id,
      bundleExercise(id).then((code) => {
        const path = join(dir, `${id}.js`);
        writeFileSync(path, code);
        return path;
      }),
    );
  }
  return bundles.get(id)!;
}

const grade = async (id: string, source: string) => gradeWithBundle({ bundlePath: await bundleFor(id), source });
const failures = (v: Awaited<ReturnType<typeof grade>>) => v.tests.filter((t) => t.status !== 'pass').map((t) => t.name);

const exercises = listExercises();

it('finds the exercises', () => {
  expect(exercises).toContain('hash-ring');
});

describe.each(exercises)('exercise %s', (id) => {
  const files = learnerFiles(id);
  const solution = files.find((f) => f.kind === 'solution')!;
  const starter = files.find((f) => f.kind === 'starter')!;
  const alternatives = files.filter((f) => f.kind === 'alternative');
  const mutants = files.filter((f) => f.kind === 'mutant');

  it(`has at least ${MINIMUMS.mutants} mutants and ${MINIMUMS.alternatives} alternatives, each saying what it is`, () => {
    expect(mutants.length).toBeGreaterThanOrEqual(MINIMUMS.mutants);
    expect(alternatives.length).toBeGreaterThanOrEqual(MINIMUMS.alternatives);
    for (const f of [...mutants, ...alternatives]) expect(f.description.length, `${f.path} says what it is`).toBeGreaterThanOrEqual(10);
  });

  it('keeps mutants as patches only (a full copy of the solution drifts when the solution changes)', () => {
    const folder = join(SANDBOXES_DIR, id, 'mutants');
    expect(existsSync(folder) ? readdirSync(folder).filter((f) => !f.startsWith('.') && !f.endsWith('.patch')) : []).toEqual([]);
  });

  it.each([solution, ...alternatives].map((f) => [f.path, f] as const))('passes %s', async (_path, file) => {
    const v = await grade(id, file.source());
    expect(v.problem).toBeUndefined();
    expect(v.tests.filter((t) => t.status !== 'pass')).toEqual([]);
    expect(v.passed).toBe(true);
  });

  it('fails the starter without crashing the runner', async () => {
    const v = await grade(id, starter.source());
    expect(v.passed).toBe(false);
    expect(v.problem).toBeUndefined();
    expect(v.tests.length).toBeGreaterThan(0);
    expect(v.tests.every((t) => typeof t.message === 'string' || t.status === 'pass')).toBe(true);
  });

  // The visible examples a learner runs in the terminal must hold for the reference solution,
  // through the same grader, or they would teach something the hidden tests contradict.
  if (hasExamples(id)) it('passes its visible examples with the reference solution', async () => {
    const path = join(dir, `${id}.examples.js`);
    writeFileSync(path, await bundleExercise(id, SANDBOXES_DIR, 'examples'));
    const v = await gradeWithBundle({ bundlePath: path, source: solution.source() });
    expect(v.problem).toBeUndefined();
    expect(v.tests.length).toBeGreaterThan(0);
    expect(v.tests.filter((t) => t.status !== 'pass')).toEqual([]);
  });

  it.each(mutants.map((f) => [f.name, f] as const))('fails the mutant %s by the tests it names', async (_name, mutant) => {
    const v = await grade(id, mutant.source());
    expect(v.problem).toBeUndefined();
    expect(v.passed).toBe(false);
    const failed = failures(v);
    expect(mutant.killedBy.filter((t) => !failed.includes(t)), `Killed-by tests that pass ${mutant.path} (it fails: ${failed.join('; ')})`).toEqual([]);
  });
});
