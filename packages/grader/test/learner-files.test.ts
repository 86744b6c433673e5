import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MutantPatchError,
  applyMutantLoosely,
  formatMutantPatch,
  learnerFile,
  learnerFiles,
  parseMutantPatch,
} from '../src/build.ts';
import { readFileSync } from 'node:fs';

const SOLUTION = ['export function owner(keys: string[], key: string): number {', '  const i = keys.indexOf(key);', '  return i < 0 ? 0 : i;', '}', ''].join('\n');
const MUTATED = SOLUTION.replace('return i < 0 ? 0 : i;', 'return i;');

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A sandbox folder with a solution, a starter, one alternative and one mutant patch. */
function sandbox(solution = SOLUTION): string {
  root = mkdtempSync(join(tmpdir(), 'baristas-learner-files-'));
  const dir = join(root, 'demo');
  mkdirSync(join(dir, 'mutants'), { recursive: true });
  mkdirSync(join(dir, 'alternatives'));
  writeFileSync(join(dir, 'solution.ts'), solution);
  writeFileSync(join(dir, 'starter.ts'), 'export function owner() { throw new Error("TODO"); }\n');
  writeFileSync(join(dir, 'alternatives', 'loop.ts'), '// Alternative: a for loop instead of indexOf\nexport function owner() { return 0; }\n');
  const patch = formatMutantPatch('no-default', { description: 'an absent key gets -1 instead of 0', killedBy: ['owner › an absent key goes to 0'] }, SOLUTION, MUTATED);
  writeFileSync(join(dir, 'mutants', 'no-default.patch'), patch);
  return root;
}

describe('learner files', () => {
  it('lists solution, starter, alternatives and mutants, with what each must do', () => {
    const files = learnerFiles('demo', sandbox());
    expect(files.map((f) => [f.kind, f.path, f.mustPass])).toEqual([
      ['solution', 'solution.ts', true],
      ['starter', 'starter.ts', false],
      ['alternative', 'alternatives/loop.ts', true],
      ['mutant', 'mutants/no-default.patch', false],
    ]);
    expect(files[2]!.description).toBe('a for loop instead of indexOf');
    expect(files[3]).toMatchObject({ name: 'no-default', description: 'an absent key gets -1 instead of 0', killedBy: ['owner › an absent key goes to 0'] });
  });

  it('turns a mutant patch into the mutated source, exactly', () => {
    const dir = sandbox();
    expect(learnerFile('demo', 'mutants/no-default', dir).source()).toBe(MUTATED);
    expect(learnerFile('demo', 'mutants/no-default.patch', dir).source()).toBe(MUTATED);
  });

  it('refuses a patch that no longer applies, naming the command that regenerates it', () => {
    const dir = sandbox(SOLUTION.replace('return i < 0 ? 0 : i;', 'return i === -1 ? 0 : i;'));
    const mutant = learnerFile('demo', 'mutants/no-default', dir);
    expect(() => mutant.source()).toThrow(MutantPatchError);
    expect(() => mutant.source()).toThrow(/mutants\/no-default\.patch no longer applies.*npm run mutant -- demo no-default/);
  });

  it('does not apply a patch with fuzz: a changed context line is a stale patch', () => {
    // Only a line next to the change differs; a fuzzy apply would accept it.
    const dir = sandbox(SOLUTION.replace('  const i = keys.indexOf(key);', '  const i = keys.lastIndexOf(key);'));
    expect(() => learnerFile('demo', 'mutants/no-default', dir).source()).toThrow(/no longer applies/);
  });

  it('lets the mutant command carry a stale patch over loosely, while grading stays exact', () => {
    // A context line two lines above the change differs (the lines next to it must match).
    const moved = SOLUTION.replace('key: string): number {', 'key: string): number /* index */ {');
    const dir = sandbox(moved);
    const patch = parseMutantPatch(readFileSync(join(dir, 'demo', 'mutants', 'no-default.patch'), 'utf8'), 'no-default.patch');
    expect(applyMutantLoosely(moved, patch, 1)).toBe(moved.replace('return i < 0 ? 0 : i;', 'return i;'));
    expect(() => learnerFile('demo', 'mutants/no-default', dir).source()).toThrow(MutantPatchError);
  });

  it('refuses a header without a description or a Killed-by test, or with an unknown field', () => {
    const diff = '--- solution.ts\n+++ mutants/x.ts\n@@ -1,1 +1,1 @@\n-a\n+b\n';
    expect(() => parseMutantPatch(`Killed-by: t\n\n${diff}`, 'x.patch')).toThrow(/Mutant: <what is wrong>/);
    expect(() => parseMutantPatch(`Mutant: something is wrong here\n\n${diff}`, 'x.patch')).toThrow(/Killed-by/);
    expect(() => parseMutantPatch(`Mutant: something is wrong here\nKiled-by: t\n\n${diff}`, 'x.patch')).toThrow(/x\.patch:2/);
    expect(() => parseMutantPatch('Mutant: something is wrong here\nKilled-by: t\n', 'x.patch')).toThrow(/no unified diff/);
    expect(parseMutantPatch(`Mutant: something is wrong here\nKilled-by: a › b\nKilled-by: c › d\n\n${diff}`, 'x.patch').killedBy).toEqual(['a › b', 'c › d']);
  });

  it('names the files an exercise has when asked for one it does not', () => {
    expect(() => learnerFile('demo', 'mutants/nope', sandbox())).toThrow(/no learner file "mutants\/nope".*mutants\/no-default\.patch/);
  });
});
