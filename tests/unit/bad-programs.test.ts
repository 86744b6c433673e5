/**
 * Every program in the bad-program corpus gets a clear verdict from the Node host, none
 * passes, and each verdict says what the corpus expects it to say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import type { Verdict } from '@baristas/grader';
import { BAD_PROGRAMS } from '../fixtures/bad-programs.ts';

const verdicts = new Map<string, Verdict>();

beforeAll(async () => {
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'baristas-bad-')), 'hash-ring.js');
  writeFileSync(bundlePath, await bundleExercise('hash-ring'));
  // Four at a time: most finish in a fraction of a second, a few wait out their time budgets.
  const queue = [...BAD_PROGRAMS];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) verdicts.set(p.name, await gradeWithBundle({ bundlePath, source: p.source }));
    }),
  );
}, 300_000);

describe('the bad-program corpus, graded in Node', () => {
  it('has at least 50 programs with distinct names', () => {
    expect(BAD_PROGRAMS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(BAD_PROGRAMS.map((p) => p.name)).size).toBe(BAD_PROGRAMS.length);
  });

  it.each(BAD_PROGRAMS.map((p) => [p.name, p] as const))('%s: gets the verdict it deserves, and does not pass', (_name, program) => {
    const v = verdicts.get(program.name)!;
    expect(v, 'a verdict').toBeDefined();
    expect(v.passed).toBe(false);
    const wanted = program.expect;
    if ('problem' in wanted) {
      expect(v.problem?.message ?? `(no load problem; tests: ${v.tests.map((t) => t.status).join(',')})`).toMatch(wanted.problem);
    } else {
      expect(v.problem, 'no load problem').toBeUndefined();
      const messages = v.tests.filter((t) => t.status !== 'pass').map((t) => t.message ?? '');
      expect(messages.some((m) => wanted.test.test(m)), messages.slice(0, 3).join('\n---\n')).toBe(true);
    }
  });

  it('captures a console flood at load and shows it, truncated, with the first test', () => {
    const v = verdicts.get('logs a million lines at load')!;
    const lines = v.tests[0]!.console!;
    expect(lines[0]).toBe('[while loading] 0');
    expect(lines).toHaveLength(101);
    expect(lines.at(-1)).toMatch(/^\[while loading\] … \[999900 more lines not shown\]$/);
  });
});
