/**
 * An exercise's learner-side files: the code a learner could have typed into the editor. The
 * exercise gate, the types test, parity, the payload and terminal tests, results-replay, the
 * screenshot script and `npm run check` all read them through here, so there is one way to list
 * them and one way to turn a mutant's patch into source.
 *
 * A mutant is `mutants/<name>.patch`: a header, then a unified diff against `solution.ts`.
 *
 *     Mutant: a key past the highest token gets undefined instead of wrapping around.
 *     Killed-by: nodeFor › a key past the highest token wraps around to the lowest
 *
 *     --- solution.ts
 *     +++ mutants/no-wrap-around.ts
 *     @@ -40,7 +40,7 @@
 *     …
 *
 * Kept as a patch, a change to the solution reaches every mutant, and one that no longer
 * applies fails loudly instead of drifting.
 */
import { applyPatch, createTwoFilesPatch } from 'diff';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What every exercise must have, enforced by the exercise gate and `npm run check`. */
export const MINIMUMS = { mutants: 6, alternatives: 3 } as const;

export type LearnerFileKind = 'solution' | 'starter' | 'alternative' | 'mutant';

export interface LearnerFile {
  /** The exercise's id (its sandbox folder). */
  exercise: string;
  kind: LearnerFileKind;
  /** The file's name without its extension: `solution`, `starter`, `classes`, `no-wrap-around`. */
  name: string;
  /** Relative to the sandbox: `solution.ts`, `alternatives/classes.ts`, `mutants/no-wrap-around.patch`. */
  path: string;
  /** Whether every hidden test must pass: the solution and the alternatives. */
  mustPass: boolean;
  /** A mutant's `Mutant:` line or an alternative's `// Alternative:` line; empty otherwise. */
  description: string;
  /** A mutant's `Killed-by:` tests, full names as verdicts show them ("describe › it"). */
  killedBy: string[];
  /** The TypeScript a learner would have written. Throws `MutantPatchError` for a stale patch. */
  source(): string;
}

/** A mutant patch that is malformed or no longer applies to `solution.ts`. */
export class MutantPatchError extends Error {
  override name = 'MutantPatchError';
}

/** The command that rewrites a mutant's patch after editing it; named in every patch error. */
export const mutantCommand = (exercise: string, name: string): string => `npm run mutant -- ${exercise} ${name}`;

export interface MutantPatch {
  description: string;
  killedBy: string[];
  /** The unified diff, from its `---` line on. */
  diff: string;
}

/** Splits a mutant patch into its header fields and its diff. */
export function parseMutantPatch(text: string, where: string): MutantPatch {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.startsWith('--- ') || l.startsWith('==='));
  if (start < 0) throw new MutantPatchError(`${where}: no unified diff (a "--- solution.ts" line) after the header`);
  let description = '';
  const killedBy: string[] = [];
  for (const [i, line] of lines.slice(0, start).entries()) {
    if (line.trim() === '') continue;
    const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (field?.[1] === 'Mutant' && !description) description = field[2]!.trim();
    else if (field?.[1] === 'Killed-by' && field[2]!.trim()) killedBy.push(field[2]!.trim());
    else throw new MutantPatchError(`${where}:${i + 1}: the header has "Mutant: …" once and "Killed-by: …" lines, not ${JSON.stringify(line)}`);
  }
  if (description.length < 10) throw new MutantPatchError(`${where}: the header needs a "Mutant: <what is wrong>" line`);
  if (killedBy.length === 0) throw new MutantPatchError(`${where}: the header needs at least one "Killed-by: <hidden test name>" line`);
  return { description, killedBy, diff: lines.slice(start).join('\n') };
}

/** Writes a mutant patch: the header, then the diff from `solution` to `mutated`. */
export function formatMutantPatch(name: string, fields: { description: string; killedBy: string[] }, solution: string, mutated: string): string {
  const diff = createTwoFilesPatch('solution.ts', `mutants/${name}.ts`, solution, mutated, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((l) => !l.startsWith('==='))
    .join('\n');
  const header = [`Mutant: ${fields.description}`, ...fields.killedBy.map((t) => `Killed-by: ${t}`)];
  return `${header.join('\n')}\n\n${diff}`;
}

/** The solution with a mutant's diff applied exactly (no fuzz), or a `MutantPatchError`. */
export function applyMutant(exercise: string, name: string, solution: string, patch: MutantPatch): string {
  const result = applyPatch(solution, patch.diff, { fuzzFactor: 0 });
  if (result === false) {
    throw new MutantPatchError(
      `sandboxes/${exercise}/mutants/${name}.patch no longer applies to solution.ts. ` +
        `Run \`${mutantCommand(exercise, name)}\`, check the mutated file (the command applies the old diff as far as it still fits), then save it with \`--save\`.`,
    );
  }
  return result;
}

/**
 * For `npm run mutant` only, to help bring a stale patch up to date: the solution with the diff
 * applied allowing up to `fuzzFactor` changed context lines per hunk, or false. Never for grading.
 */
export function applyMutantLoosely(solution: string, patch: MutantPatch, fuzzFactor: number): string | false {
  return applyPatch(solution, patch.diff, { fuzzFactor });
}

const stem = (file: string): string => file.replace(/\.(ts|patch)$/, '');
const sortedFiles = (dir: string, ext: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort() : [];

/** Every learner-side file of an exercise: solution, starter, alternatives, then mutants, each sorted. */
export function listLearnerFiles(exercise: string, sandboxesDir: string): LearnerFile[] {
  const dir = join(sandboxesDir, exercise);
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const plain = (kind: 'solution' | 'starter', mustPass: boolean): LearnerFile => ({
    exercise, kind, name: kind, path: `${kind}.ts`, mustPass, description: '', killedBy: [], source: () => read(`${kind}.ts`),
  });
  const alternatives = sortedFiles(join(dir, 'alternatives'), '.ts').map((f): LearnerFile => {
    const path = `alternatives/${f}`;
    const first = read(path).split('\n', 1)[0]!;
    return {
      exercise, kind: 'alternative', name: stem(f), path, mustPass: true,
      description: /^\/\/ Alternative: (.*)$/.exec(first)?.[1]?.trim() ?? '',
      killedBy: [], source: () => read(path),
    };
  });
  const mutants = sortedFiles(join(dir, 'mutants'), '.patch').map((f): LearnerFile => {
    const path = `mutants/${f}`;
    const name = stem(f);
    const patch = parseMutantPatch(read(path), `sandboxes/${exercise}/${path}`);
    return {
      exercise, kind: 'mutant', name, path, mustPass: false, description: patch.description, killedBy: patch.killedBy,
      source: () => applyMutant(exercise, name, read('solution.ts'), patch),
    };
  });
  return [plain('solution', true), plain('starter', false), ...alternatives, ...mutants];
}

/**
 * One learner-side file by path (`solution.ts`, `mutants/no-wrap-around.patch`) or by kind and
 * name (`mutants/no-wrap-around`, `alternatives/classes`, `starter`).
 */
export function findLearnerFile(exercise: string, which: string, sandboxesDir: string): LearnerFile {
  const files = listLearnerFiles(exercise, sandboxesDir);
  const key = stem(which);
  const found = files.find((f) => stem(f.path) === key || (f.kind === key && (key === 'solution' || key === 'starter')));
  if (!found) throw new Error(`${exercise} has no learner file "${which}"; it has ${files.map((f) => f.path).join(', ')}`);
  return found;
}
