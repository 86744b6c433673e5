/**
 * npm run mutant -- <exercise> <name>          write the mutant's source to edit (a new mutant starts from solution.ts)
 * npm run mutant -- <exercise> <name> --save   diff the edited file back into mutants/<name>.patch
 *        [--describe "what is wrong"] [--killed-by "describe › it"]… [--pick-killer]
 *
 * `--save` grades the edited file through the real grader first: it must fail, and every
 * `Killed-by` test must be among its failures. Without `--killed-by`, an existing patch keeps its
 * own; a new mutant (or any, with `--pick-killer`) names the failing test whose name shares the
 * most words with its description, the first such in file order: a guess to review, not a rule.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  MutantPatchError,
  REPO_ROOT,
  SANDBOXES_DIR,
  applyMutantLoosely,
  formatMutantPatch,
  learnerFile,
  listExercises,
  parseMutantPatch,
} from '@baristas/grader/build';
import { failedTests, sandboxGrader } from './lib/sandbox-grader.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    save: { type: 'boolean' },
    describe: { type: 'string' },
    'killed-by': { type: 'string', multiple: true },
    'pick-killer': { type: 'boolean' },
    // Another sandboxes folder, for this script's own test.
    sandboxes: { type: 'string' },
  },
});
const [exercise, name] = positionals;
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};
if (!exercise || !name) fail('usage: npm run mutant -- <exercise> <name> [--save] [--describe "…"] [--killed-by "describe › it"]…');
const sandboxesDir = values.sandboxes ?? SANDBOXES_DIR;
if (!listExercises(sandboxesDir).includes(exercise!)) fail(`no exercise "${exercise}"; there are ${listExercises(sandboxesDir).join(', ')}`);
if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name!)) fail(`a mutant's name is kebab-case, e.g. no-wrap-around (got "${name}")`);

/** The failed test whose name shares most words (of four letters or more) with the description. */
function likeliestKiller(description: string, failed: string[]): string {
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const wanted = words(description);
  const score = (test: string) => [...words(test)].filter((w) => wanted.has(w)).length;
  return failed.reduce((best, test) => (score(test) > score(best) ? test : best), failed[0]!);
}

const sandbox = join(sandboxesDir, exercise!);
const patchPath = join(sandbox, 'mutants', `${name}.patch`);
const editPath = join(REPO_ROOT, '.cache', 'mutants', exercise!, `${name}.ts`);
const show = (path: string) => relative(process.cwd(), path);
const existing = existsSync(patchPath) ? parseMutantPatch(readFileSync(patchPath, 'utf8'), show(patchPath)) : undefined;

if (!values.save) {
  const solution = readFileSync(join(sandbox, 'solution.ts'), 'utf8');
  let source = solution;
  let what = 'A copy of the solution';
  if (existing) {
    try {
      source = learnerFile(exercise!, `mutants/${name}`, sandboxesDir).source();
      what = 'The mutant';
    } catch (error) {
      if (!(error instanceof MutantPatchError)) throw error;
      // The solution moved under the patch: apply it as loosely as it takes, or hand over the
      // solution with the old diff to redo by hand.
      let fuzz: number | undefined;
      for (const f of [1, 2, 3, 5, 8]) {
        const loose = applyMutantLoosely(solution, existing, f);
        if (loose === false) continue;
        [fuzz, source] = [f, loose];
        break;
      }
      if (fuzz !== undefined) {
        what = `The patch no longer applies exactly; applied allowing ${fuzz} changed context line(s) per hunk, the mutant`;
      } else {
        what = `The patch no longer applies even loosely. Redo this change by hand:\n\n${existing.diff}\n\nA copy of the current solution`;
      }
    }
  }
  mkdirSync(dirname(editPath), { recursive: true });
  writeFileSync(editPath, source);
  console.log(`${what} is in ${show(editPath)}.`);
  if (existing) console.log(`It should still be wrong this way: ${existing.description}`);
  console.log(`Edit it (break one thing), then: npm run mutant -- ${exercise} ${name} --save${existing ? '' : ' --describe "what is wrong, in a sentence"'}`);
} else {
  if (!existsSync(editPath)) fail(`nothing to save: run \`npm run mutant -- ${exercise} ${name}\` first, then edit ${show(editPath)}`);
  const description = values.describe ?? existing?.description ?? fail('a new mutant needs --describe "what is wrong, in a sentence"');
  const mutated = readFileSync(editPath, 'utf8');
  const solution = readFileSync(join(sandbox, 'solution.ts'), 'utf8');
  if (mutated === solution) fail(`${show(editPath)} is the solution unchanged: break something first`);
  const grader = await sandboxGrader(exercise!, sandboxesDir);
  const verdict = await grader.grade(mutated);
  grader.dispose();
  if (verdict.problem) fail(`the mutant does not load (${verdict.problem.kind}: ${verdict.problem.message}); a mutant must be graded test by test`);
  const failed = failedTests(verdict);
  if (failed.length === 0) fail(`every hidden test passes this mutant: the tests have a hole (or the change is harmless). Not saved.`);
  const killedBy = values['killed-by'] ?? (values['pick-killer'] ? undefined : existing?.killedBy) ?? [likeliestKiller(description!, failed)];
  const missing = killedBy.filter((t) => !failed.includes(t));
  if (missing.length > 0) fail(`these Killed-by tests pass the mutant:\n  ${missing.join('\n  ')}\nit fails:\n  ${failed.join('\n  ')}`);
  mkdirSync(dirname(patchPath), { recursive: true });
  writeFileSync(patchPath, formatMutantPatch(name!, { description: description!, killedBy }, solution, mutated));
  console.log(`saved ${show(patchPath)}: fails ${failed.length} of ${verdict.tests.length} tests; Killed-by:\n  ${killedBy.join('\n  ')}`);
}
