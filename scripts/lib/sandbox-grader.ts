/**
 * Grades learner files of one exercise through the real grader (the exercise bundle in worker
 * threads), as the CLI and the exercise gate do. Shared by `npm run check` and `npm run mutant`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOXES_DIR, bundleExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import type { Verdict } from '@baristas/grader';

export interface SandboxGrader {
  grade(source: string): Promise<Verdict>;
  dispose(): void;
}

export async function sandboxGrader(id: string, sandboxesDir = SANDBOXES_DIR): Promise<SandboxGrader> {
  const dir = mkdtempSync(join(tmpdir(), `baristas-${id}-`));
  const bundlePath = join(dir, `${id}.js`);
  writeFileSync(bundlePath, await bundleExercise(id, sandboxesDir));
  return {
    grade: (source) => gradeWithBundle({ bundlePath, source }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Full names of the tests that did not pass. */
export const failedTests = (verdict: Verdict): string[] => verdict.tests.filter((t) => t.status !== 'pass').map((t) => t.name);
