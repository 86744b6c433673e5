/**
 * Every exercise's hidden tests, graded through the real grader (bundle + worker threads):
 * the reference solution passes them all, the starter fails at least one without breaking
 * the runner, and every mutant fails at least one.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOXES_DIR, bundleExercise, hasExamples, listExercises } from '@baristas/grader/build';
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

async function grade(id: string, file: string) {
  return gradeWithBundle({ bundlePath: await bundleFor(id), source: readFileSync(join(SANDBOXES_DIR, id, file), 'utf8') });
}

const exercises = listExercises();

it('finds the exercises', () => {
  expect(exercises).toContain('hash-ring');
});

describe.each(exercises)('exercise %s', (id) => {
  const mutants = readdirSync(join(SANDBOXES_DIR, id, 'mutants')).filter((f) => f.endsWith('.ts'));

  it('has at least six mutants, each saying what is wrong on its first line', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(6);
    for (const m of mutants) {
      expect(readFileSync(join(SANDBOXES_DIR, id, 'mutants', m), 'utf8').split('\n')[0]).toMatch(/^\/\/ Mutant: .{10,}/);
    }
  });

  it('passes the reference solution', async () => {
    const v = await grade(id, 'solution.ts');
    expect(v.problem).toBeUndefined();
    expect(v.tests.filter((t) => t.status !== 'pass')).toEqual([]);
    expect(v.passed).toBe(true);
  });

  it('fails the starter without crashing the runner', async () => {
    const v = await grade(id, 'starter.ts');
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
    const v = await gradeWithBundle({ bundlePath: path, source: readFileSync(join(SANDBOXES_DIR, id, 'solution.ts'), 'utf8') });
    expect(v.problem).toBeUndefined();
    expect(v.tests.length).toBeGreaterThan(0);
    expect(v.tests.filter((t) => t.status !== 'pass')).toEqual([]);
  });

  it.each(mutants)('fails the mutant %s', async (mutant) => {
    const v = await grade(id, join('mutants', mutant));
    expect(v.problem).toBeUndefined();
    expect(v.tests.some((t) => t.status !== 'pass')).toBe(true);
    expect(v.passed).toBe(false);
  });
});
