import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, bundleExercise, listChapters } from '../src/build.ts';
import { gradeWithBundle } from '../src/node.ts';
import { defineExercise } from '../src/exercise.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/sandboxes');
let dir: string;
let bundlePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baristas-grader-'));
  bundlePath = join(dir, 'probe.js');
  writeFileSync(bundlePath, await bundleExercise('probe', fixtures));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grade = (source: string) => gradeWithBundle({ bundlePath, source });

describe('grading a learner module', () => {
  it('passes a correct module, running hooks and reporting each test by name', async () => {
    const v = await grade('export function answer(_n: number): number { return 42; }');
    expect(v).toMatchObject({ version: 1, exerciseId: 'probe', passed: true, runtime: 'node' });
    expect(v.tests.map((t) => [t.name, t.status])).toEqual([
      ['the answer › is 42', 'pass'],
      ['the answer › is still 42 when asked again', 'pass'],
      ['runs beforeEach hooks before every test', 'pass'],
    ]);
  });

  it('reports a failed expectation with the test’s own message', async () => {
    const v = await grade('export const answer = () => 41;');
    expect(v.passed).toBe(false);
    expect(v.tests[0]).toMatchObject({ status: 'fail' });
    expect(v.tests[0]!.message).toMatch(/the answer to everything must be 42: expected 41 to be 42/);
  });

  it('reports a throw inside a test with the learner’s line number', async () => {
    const v = await grade(['// line 1', 'export function answer(n: number): number {', '  if (n === 2) throw new TypeError("no milk");', '  return 42;', '}'].join('\n'));
    expect(v.tests[0]!.status).toBe('pass');
    expect(v.tests[1]).toMatchObject({ status: 'error' });
    expect(v.tests[1]!.message).toBe('Your code threw TypeError: no milk (line 3 of your code)');
  });

  it('reports a syntax error with line and column, and marks every test as not run', async () => {
    const v = await grade('export function answer() {\n  return 42 +;\n}');
    expect(v.passed).toBe(false);
    expect(v.problem).toMatchObject({ kind: 'syntax', line: 2 });
    expect(v.problem!.message).toMatch(/^Syntax error at line 2, column \d+/);
    expect(v.tests).toHaveLength(3);
    expect(v.tests.every((t) => t.status === 'error' && t.message!.startsWith('Not run: Syntax error'))).toBe(true);
  });

  it('reports a throw at import time with its line', async () => {
    const v = await grade('export const answer = () => 42;\nthrow new Error("boom");');
    expect(v.problem).toMatchObject({ kind: 'load-throw', line: 2 });
    expect(v.problem!.message).toMatch(/Error: boom/);
  });

  it('names a missing export and what the module exports instead', async () => {
    const v = await grade('export function answr() { return 42; }');
    expect(v.problem?.kind).toBe('missing-export');
    expect(v.problem!.message).toBe('Your file must export `answer`; it exports `answr`. Check the name and the `export` keyword.');
  });

  it('refuses imports other than the course’s own modules', async () => {
    const v = await grade('import fs from "node:fs";\nexport const answer = () => fs.readFileSync("/etc/hostname").length;');
    expect(v.problem?.kind).toBe('load-throw');
    expect(v.problem!.message).toMatch(/Cannot import "node:fs": exercises can import only "@baristas\/sim"/);
  });

  it('stops an infinite loop at the top level at the load budget', async () => {
    const v = await grade('while (true) {}\nexport const answer = () => 42;');
    expect(v.problem?.kind).toBe('load-timeout');
    expect(v.problem!.message).toMatch(/did not finish loading within 1.5 s/);
    expect(v.tests).toHaveLength(3);
  });

  it('stops a test that loops forever, then runs the remaining tests in a fresh worker', async () => {
    const v = await grade('export function answer(n: number): number { while (n === 1) {} return 42; }');
    expect(v.tests.map((t) => t.status)).toEqual(['timeout', 'pass', 'fail']);
    expect(v.tests[0]!.message).toMatch(/Stopped after 0.7 s/);
  });

  it('stops the run at its total budget when tests keep timing out', async () => {
    const v = await grade('export const answer = () => { for (;;) {} };');
    expect(v.tests.map((t) => t.status)).toEqual(['timeout', 'timeout', 'error']);
    expect(v.tests[2]!.message).toBe('Not run: the run reached its 1 s limit after tests timed out. Fix the timeouts first.');
  });

  it('stops a promise that never settles', async () => {
    const v = await grade('export const answer = () => new Promise<number>(() => {});');
    expect(v.tests.map((t) => t.status).slice(0, 2)).toEqual(['timeout', 'timeout']);
    expect(v.tests[0]!.message).toMatch(/a promise that never settles/);
  });

  it('explains runaway recursion', async () => {
    const v = await grade('export function answer(n: number): number { return answer(n + 1) + 1; }');
    expect(v.tests[0]!.status).toBe('error');
    expect(v.tests[0]!.message).toMatch(/recursed too deeply/);
  });

  it('captures console output per test and truncates a flood with a marker', async () => {
    const v = await grade('export function answer(n: number) { for (let i = 0; i < 5000; i++) console.log("cup", i); return 42; }');
    expect(v.passed).toBe(true);
    const lines = v.tests[0]!.console!;
    expect(lines[0]).toBe('cup 0');
    expect(lines.length).toBeLessThanOrEqual(101);
    expect(lines.at(-1)).toBe('… [4900 more lines not shown]');
  });

  it('gives learner code no network', async () => {
    const v = await grade('export const answer = () => (typeof fetch === "undefined" && typeof WebSocket === "undefined" ? 42 : 0);');
    expect(v.passed).toBe(true);
  });

  it('gives each run a fresh module: state left by one run is not seen by the next', async () => {
    const source = 'let n = 0;\nexport const answer = () => { n++; return n === 1 || n === 2 ? 42 : n; };';
    const first = await grade(source);
    const second = await grade(source);
    expect(first.tests.map((t) => t.status)).toEqual(['pass', 'pass', 'pass']);
    expect(second.tests.map((t) => t.status)).toEqual(['pass', 'pass', 'pass']);
  });
});

describe('defineExercise', () => {
  it('accepts good metadata and names every bad field', () => {
    expect(defineExercise({ id: 'x-y', title: 'X', chapter: '01-storage', exports: ['A'] }).id).toBe('x-y');
    expect(() =>
      defineExercise({ id: 'Bad Id', title: '', chapter: 'storage', exports: [], budgets: { testMs: -1 } }),
    ).toThrow(/id must be kebab-case.*title must be.*chapter must name.*exports must list.*budgets.testMs must be a positive/);
  });
});

describe('an exercise’s chapter', () => {
  it('must name a chapter folder: a typo fails the bundle’s build, naming the chapters there are', async () => {
    // Inside the repository, so the copied exercise.ts still resolves @baristas/grader.
    mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
    const sandboxes = mkdtempSync(join(REPO_ROOT, '.cache', 'chapter-check-'));
    try {
      cpSync(join(fixtures, 'probe'), join(sandboxes, 'probe'), { recursive: true });
      const meta = join(sandboxes, 'probe', 'exercise.ts');
      writeFileSync(meta, readFileSync(meta, 'utf8').replace("chapter: '01-storage'", "chapter: '05-synchronisation'"));
      expect(listChapters()).toContain('05-synchronization');
      await expect(bundleExercise('probe', sandboxes)).rejects.toThrow(
        /chapter "05-synchronisation" is not a chapter folder; the chapters are 01-storage, 02-cap, .*05-synchronization/,
      );
    } finally {
      rmSync(sandboxes, { recursive: true, force: true });
    }
  });
});
