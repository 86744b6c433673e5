import type { TestResult, Verdict } from './verdict.ts';

const MARK = { pass: '✓', fail: '✗', error: '!', timeout: '⏱', skipped: '-' } as const;

/** One test's result as terminal lines: its mark and name, then (indented) why and what it printed. */
export function formatTest(t: TestResult): string {
  const lines = [`${MARK[t.status]} ${t.name}`];
  if (t.message && t.status !== 'pass') lines.push(...t.message.split('\n').map((l) => `    ${l}`));
  for (const c of t.console ?? []) lines.push(`    console: ${c}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The closing line of a run. `examples` runs are the learner's visible tests: passing them is
 * not passing the exercise, so the line says so instead of PASSED.
 */
export function formatSummary(verdict: Verdict, options: { examples?: boolean } = {}): string {
  const passed = verdict.tests.filter((t) => t.status === 'pass').length;
  const head = `${verdict.exerciseId}${options.examples ? ' examples' : ''}: ${passed}/${verdict.tests.length} tests passed (${verdict.runtime}, ${verdict.durationMs} ms)`;
  const tail = options.examples
    ? verdict.passed
      ? 'the examples pass; Run grades the hidden tests'
      : 'an example fails'
    : verdict.passed
      ? 'PASSED'
      : 'NOT YET';
  return `${head} — ${tail}\n`;
}

/** A verdict as plain text for a terminal. */
export function formatVerdict(verdict: Verdict): string {
  const problem = verdict.problem ? `${verdict.problem.message}\n\n` : '';
  return `${problem}${verdict.tests.map(formatTest).join('')}\n${formatSummary(verdict)}`;
}
