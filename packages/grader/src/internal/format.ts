import type { Verdict } from './verdict.ts';

const MARK = { pass: '✓', fail: '✗', error: '!', timeout: '⏱', skipped: '-' } as const;

/** A verdict as plain text for a terminal. */
export function formatVerdict(verdict: Verdict): string {
  const lines: string[] = [];
  if (verdict.problem) lines.push(`${verdict.problem.message}`, '');
  for (const t of verdict.tests) {
    lines.push(`${MARK[t.status]} ${t.name}`);
    if (t.message && t.status !== 'pass') lines.push(...t.message.split('\n').map((l) => `    ${l}`));
    for (const c of t.console ?? []) lines.push(`    console: ${c}`);
  }
  const passed = verdict.tests.filter((t) => t.status === 'pass').length;
  lines.push(
    '',
    `${verdict.exerciseId}: ${passed}/${verdict.tests.length} tests passed (${verdict.runtime}, ${verdict.durationMs} ms) — ${verdict.passed ? 'PASSED' : 'NOT YET'}`,
  );
  return `${lines.join('\n')}\n`;
}
