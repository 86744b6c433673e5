/**
 * The folder the WebContainer terminal opens in, run with local Node and npm, since CI cannot
 * reach StackBlitz: its npm scripts grade, run the visible examples and open a REPL on the
 * learner's code, printing for a person rather than for the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleExercise, bundlePayloadRunner, hasExamples, learnerFile } from '@baristas/grader/build';
import { nestTree, terminalTree, type TerminalFiles } from '../../src/runtimes/payload.ts';
import { writeTree } from '../fixtures/payload.ts';

const FIXTURES = join(import.meta.dirname, '../../packages/grader/test/fixtures/sandboxes');
let work: string;
let runner: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'baristas-terminal-'));
  runner = await bundlePayloadRunner();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let folders = 0;
function folder(files: Omit<TerminalFiles, 'runner'>): string {
  const dir = join(work, `t${folders++}`);
  writeTree(dir, terminalTree({ ...files, runner }));
  return dir;
}

/** Runs `npm run <script>` in `dir` as a learner would type it, with this Node first on PATH. */
function npmRun(dir: string, script: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'npm',
      ['run', '--silent', script],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

const sandboxFile = (id: string, file: string) => learnerFile(id, file).source();

describe('nestTree', () => {
  it('nests paths into folders, as WebContainer.mount takes them', () => {
    const file = (contents: string) => ({ file: { contents } });
    expect(nestTree({ 'a.txt': file('a'), 'd/b.txt': file('b'), 'd/e/c.txt': file('c') })).toEqual({
      'a.txt': file('a'),
      d: { directory: { 'b.txt': file('b'), e: { directory: { 'c.txt': file('c') } } } },
    });
  });

  it('refuses a path that runs through a file', () => {
    expect(() => nestTree({ a: { file: { contents: '' } }, 'a/b': { file: { contents: '' } } })).toThrow(/a is a file/);
  });
});

describe('the terminal folder, run with local Node', () => {
  let hashRing: string;
  beforeAll(async () => {
    hashRing = await bundleExercise('hash-ring');
  });

  it('offers grade and repl, and examples only when the exercise has them', () => {
    const dir = folder({ id: 'hash-ring', bundle: hashRing, source: '' });
    const scripts = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts as object);
    expect(hasExamples('hash-ring')).toBe(false);
    expect(scripts.sort()).toEqual(['grade', 'repl']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).not.toContain('npm run examples');
  });

  it('`npm run grade` grades learner.ts test by test and says PASSED', async () => {
    const { code, stdout } = await npmRun(folder({ id: 'hash-ring', bundle: hashRing, source: sandboxFile('hash-ring', 'solution.ts') }), 'grade');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ /m);
    expect(stdout).not.toMatch(/^✗ /m);
    expect(stdout).toMatch(/hash-ring: (\d+)\/\1 tests passed \(webcontainer, \d+ ms\) — PASSED/);
    expect(stdout, 'the terminal gets words, not the page’s JSON lines').not.toContain('{"event"');
  });

  it('`npm run grade` shows why a mutant fails, and says NOT YET', async () => {
    const source = sandboxFile('hash-ring', 'mutants/no-wrap-around');
    const { code, stdout } = await npmRun(folder({ id: 'hash-ring', bundle: hashRing, source }), 'grade');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ .+\n {4}\S/m);
    expect(stdout).toMatch(/— NOT YET\n$/);
  });

  it('`npm run grade` reports a syntax error in words', async () => {
    const { code, stdout } = await npmRun(folder({ id: 'hash-ring', bundle: hashRing, source: 'export class HashRing {' }), 'grade');
    expect(code).toBe(1);
    expect(stdout).toMatch(/line 1/i);
    expect(stdout).toContain('NOT YET');
  });

  it('`npm run repl` loads learner.ts with its exports and the sim in scope', async () => {
    const dir = folder({ id: 'hash-ring', bundle: hashRing, source: sandboxFile('hash-ring', 'solution.ts') });
    const { code, stdout } = await npmRun(dir, 'repl', 'typeof HashRing\ntypeof sim.Simulation\n.exit\n');
    expect(code).toBe(0);
    expect(stdout).toContain('learner.ts is loaded: HashRing');
    expect(stdout.match(/'function'/g)).toHaveLength(2);
  });

  it('`npm run repl` says what is wrong with a learner.ts that does not load, and still starts', async () => {
    const dir = folder({ id: 'hash-ring', bundle: hashRing, source: 'export class HashRing {' });
    const { code, stdout, stderr } = await npmRun(dir, 'repl', 'typeof sim.hash32\n.exit\n');
    expect(code).toBe(0);
    expect(stderr).toMatch(/line 1/i);
    expect(stdout).toContain('learner.ts is loaded: nothing');
    expect(stdout).toContain("'function'");
  });
});

describe('the visible examples in the terminal', () => {
  let files: Omit<TerminalFiles, 'runner' | 'source'>;
  beforeAll(async () => {
    files = {
      id: 'provided',
      bundle: await bundleExercise('provided', FIXTURES),
      examples: await bundleExercise('provided', FIXTURES, 'examples'),
    };
  });
  const learner = (customer: string) => `import { Order, brew } from './shop';
export const takeOrder = (customer: string, drink: string) => new Order(${customer}, drink);
export const serve = (order: Order) => brew(order);`;

  it('are found only where an exercise has examples.test.ts', () => {
    expect(hasExamples('provided', FIXTURES)).toBe(true);
    expect(hasExamples('register', FIXTURES)).toBe(false);
  });

  it('`npm run examples` runs examples.test.ts, not the hidden tests, and does not claim the exercise passed', async () => {
    const { code, stdout } = await npmRun(folder({ ...files, source: learner('customer') }), 'examples');
    expect(code).toBe(0);
    expect(stdout).toContain('✓ examples › an order taken for ana is for ana');
    expect(stdout).not.toContain('the provided shop module');
    expect(stdout).toContain('provided examples: 1/1 tests passed');
    expect(stdout).not.toContain('PASSED');
  });

  it('`npm run examples` fails with the example’s message when the code is wrong', async () => {
    const { code, stdout } = await npmRun(folder({ ...files, source: learner("'bo'") }), 'examples');
    expect(code).toBe(1);
    expect(stdout).toContain('takeOrder must keep the customer');
    expect(stdout).toContain('an example fails');
  });
});
