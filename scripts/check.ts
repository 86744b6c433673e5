/**
 * npm run check -- <exercise>…   (no id: every exercise; `--sandboxes <dir>` reads another folder, for its test)
 *
 * Grades the solution, the starter, every alternative and every mutant of an exercise through
 * the real grader and prints one table. It exits non-zero on any wrong judgement: the solution
 * or an alternative failing a test, the starter or a mutant passing, a mutant whose `Killed-by`
 * tests are not all among its failures, a file that does not load. It also names the weakest
 * mutants, those only one test catches: one edit to that test and they would pass.
 */
import { parseArgs } from 'node:util';
import { SANDBOXES_DIR, learnerFiles, listExercises, type LearnerFile } from '@baristas/grader/build';
import type { Verdict } from '@baristas/grader';
import { failedTests, sandboxGrader } from './lib/sandbox-grader.ts';

interface Row {
  file: LearnerFile;
  verdict?: Verdict;
  error?: string;
  ms: number;
  wrong: string[];
}

/** What is wrong with this judgement of this file, if anything. */
function judge(file: LearnerFile, verdict: Verdict): string[] {
  const failed = failedTests(verdict);
  if (file.mustPass) {
    if (verdict.problem) return [`does not load: ${verdict.problem.message}`];
    return failed.length > 0 ? [`must pass, fails: ${failed.join('; ')}`] : [];
  }
  if (verdict.passed) return ['must fail, passes every test'];
  if (verdict.problem) return [`must fail test by test, but does not load: ${verdict.problem.message}`];
  if (file.kind === 'starter') return verdict.tests.length === 0 ? ['no test ran'] : [];
  const missed = file.killedBy.filter((t) => !failed.includes(t));
  return missed.map((t) => `Killed-by test passes it: ${t}`);
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

async function checkExercise(id: string): Promise<boolean> {
  const files = learnerFiles(id, sandboxesDir);
  const grader = await sandboxGrader(id, sandboxesDir);
  const rows: Row[] = [];
  try {
    for (const file of files) {
      const started = performance.now();
      let source: string;
      try {
        source = file.source();
      } catch (error) {
        rows.push({ file, error: (error as Error).message, ms: 0, wrong: [(error as Error).message] });
        continue;
      }
      const verdict = await grader.grade(source);
      rows.push({ file, verdict, ms: performance.now() - started, wrong: judge(file, verdict) });
    }
  } finally {
    grader.dispose();
  }

  const header = ['file', 'expected', 'verdict', 'failing', 'killed-by', 'time'];
  const table = rows.map((r) => {
    const v = r.verdict;
    const failing = v ? `${failedTests(v).length}/${v.tests.length}` : '—';
    const killed = r.file.kind !== 'mutant' ? '' : !v ? '—' : r.file.killedBy.every((t) => failedTests(v).includes(t)) ? `yes (${r.file.killedBy.length})` : 'NO';
    const verdict = r.error ? 'error' : v?.problem ? `problem: ${v.problem.kind}` : v?.passed ? 'pass' : 'fail';
    return [r.file.path, r.file.mustPass ? 'pass' : 'fail', verdict, failing, killed, `${Math.round(r.ms)} ms`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  console.log(`\n${id}`);
  for (const row of [header, ...table]) console.log('  ' + row.map((c, i) => pad(c, widths[i]!)).join('  '));

  const wrong = rows.filter((r) => r.wrong.length > 0);
  for (const r of wrong) for (const w of r.wrong) console.log(`  ✗ ${r.file.path}: ${w}`);

  // A mutant only one test catches survives any edit that weakens that test.
  const weakest = rows.filter((r) => r.file.kind === 'mutant' && r.verdict && failedTests(r.verdict).length === 1);
  if (weakest.length > 0) {
    console.log(`  weakest mutants (one test catches each): ${weakest.map((r) => `${r.file.name} (${failedTests(r.verdict!)[0]})`).join(', ')}`);
  }
  const counts = (kind: LearnerFile['kind']) => rows.filter((r) => r.file.kind === kind).length;
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  console.log(
    `  ${wrong.length === 0 ? 'ok' : `${wrong.length} WRONG`}: ${counts('alternative')} alternatives, ${counts('mutant')} mutants, ${(total / 1000).toFixed(1)} s`,
  );
  return wrong.length === 0;
}

const { values, positionals: ids } = parseArgs({ allowPositionals: true, options: { sandboxes: { type: 'string' } } });
const sandboxesDir = values.sandboxes ?? SANDBOXES_DIR;
const all = listExercises(sandboxesDir);
for (const id of ids) if (!all.includes(id)) {
  console.error(`no exercise "${id}"; there are ${all.join(', ')}`);
  process.exit(2);
}
let ok = true;
for (const id of ids.length > 0 ? ids : all) ok = (await checkExercise(id)) && ok;
process.exit(ok ? 0 : 1);
