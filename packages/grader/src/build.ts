/**
 * Build-time tools (Node only): find the sandboxes and bundle one exercise's grader
 * (harness + runner + sim + hidden tests) into a single self-contained ES module that every
 * host imports: the browser Worker, the WebContainer payload and the Node CLI.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExerciseMeta } from './exercise.ts';
import { findLearnerFile, listLearnerFiles, type LearnerFile } from './internal/learner-files.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');
export const SANDBOXES_DIR = join(REPO_ROOT, 'sandboxes');

/** Ids of every sandbox that has hidden tests, sorted. */
export function listExercises(sandboxesDir = SANDBOXES_DIR): string[] {
  return readdirSync(sandboxesDir)
    .filter((d) => existsSync(join(sandboxesDir, d, 'exercise.ts')) && existsSync(join(sandboxesDir, d, 'hidden.test.ts')))
    .sort();
}

/** A module the course hands the learner: `provided/<name>.ts` of an exercise's folder. */
export interface ProvidedModule {
  name: string;
  /** Absolute, so every importer of it (the grader's entry, the hidden tests) reaches one module. */
  path: string;
  /** How learner code may import it: `./<name>`, and with `.ts` or `.js` as editors tend to write it. */
  specifiers: string[];
}

/** The modules an exercise provides, sorted by name; none when it has no `provided/` folder. */
export function providedModules(id: string, sandboxesDir = SANDBOXES_DIR): ProvidedModule[] {
  const dir = join(sandboxesDir, id, 'provided');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.ts'.length);
      return { name, path: join(dir, f), specifiers: ['', '.ts', '.js'].map((ext) => `./${name}${ext}`) };
    });
}

export {
  MINIMUMS,
  MutantPatchError,
  applyMutantLoosely,
  formatMutantPatch,
  mutantCommand,
  parseMutantPatch,
  type LearnerFile,
  type LearnerFileKind,
} from './internal/learner-files.ts';

/** Every learner-side file of an exercise: solution, starter, alternatives, then mutants. */
export const learnerFiles = (id: string, sandboxesDir = SANDBOXES_DIR): LearnerFile[] => listLearnerFiles(id, sandboxesDir);

/** One learner-side file: `solution.ts`, `starter`, `alternatives/<name>`, `mutants/<name>` (extension optional). */
export const learnerFile = (id: string, which: string, sandboxesDir = SANDBOXES_DIR): LearnerFile => findLearnerFile(id, which, sandboxesDir);

/** The course's chapter folders (`content/NN-name`), sorted: what an exercise's `chapter` may name. */
export function listChapters(contentDir = join(REPO_ROOT, 'content')): string[] {
  return readdirSync(contentDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d\d-[a-z-]+$/.test(d.name))
    .map((d) => d.name)
    .sort();
}

/**
 * An exercise's checked metadata. A `chapter` that names no chapter folder fails here, so a typo
 * fails the site's and the bundles' build instead of linking the progress page to a 404.
 */
export async function loadExercise(id: string, sandboxesDir = SANDBOXES_DIR): Promise<ExerciseMeta> {
  const file = join(sandboxesDir, id, 'exercise.ts');
  const meta = ((await import(pathToFileURL(file).href)) as { default: ExerciseMeta }).default;
  if (meta.id !== id) throw new Error(`sandboxes/${id}/exercise.ts declares id "${meta.id}"; it must match its folder`);
  const chapters = listChapters();
  if (!chapters.includes(meta.chapter)) {
    throw new Error(`sandboxes/${id}/exercise.ts: chapter "${meta.chapter}" is not a chapter folder; the chapters are ${chapters.join(', ')}`);
  }
  return meta;
}

/** Which tests a bundle runs: the graded `hidden.test.ts` or the learner-visible `examples.test.ts`. */
export type TestSuite = 'hidden' | 'examples';

const SUITE_FILES: Record<TestSuite, string> = { hidden: 'hidden.test.ts', examples: 'examples.test.ts' };

/** Whether an exercise has visible example tests that learners may read and run. */
export function hasExamples(id: string, sandboxesDir = SANDBOXES_DIR): boolean {
  return existsSync(join(sandboxesDir, id, SUITE_FILES.examples));
}

/**
 * Bundles the grader for one exercise; returns the ES module's code. `suite: 'examples'`
 * bundles the visible example tests instead, for the terminal's `npm run examples`: the same
 * harness and learner loading, so examples behave exactly as graded tests do.
 */
export async function bundleExercise(id: string, sandboxesDir = SANDBOXES_DIR, suite: TestSuite = 'hidden'): Promise<string> {
  const meta = await loadExercise(id, sandboxesDir);
  const dir = join(sandboxesDir, id);
  const provided = providedModules(id, sandboxesDir);
  // Imported by the same absolute path the hidden tests' relative imports resolve to, so
  // esbuild includes each provided module once: learner and tests share its classes.
  const modules = [
    `'@baristas/sim': sim`,
    ...provided.flatMap((p, i) => p.specifiers.map((s) => `${JSON.stringify(s)}: p${i}`)),
  ];
  const entry = [
    `import meta from ${JSON.stringify(join(dir, 'exercise.ts'))};`,
    `import { __bind } from '@baristas/learner';`,
    `import * as sim from '@baristas/sim';`,
    ...provided.map((p, i) => `import * as p${i} from ${JSON.stringify(p.path)};`),
    `import { createHarness } from ${JSON.stringify(join(here, 'internal/harness.ts'))};`,
    `import ${JSON.stringify(join(dir, SUITE_FILES[suite]))};`,
    `import { compileLearner } from ${JSON.stringify(join(here, 'internal/learner.ts'))};`,
    `const modules = { ${modules.join(', ')} };`,
    // The terminal REPL offers `sim`: what learner code imports, and the Simulation to run it in.
    `import { Simulation } from '@baristas/sim/testing';`,
    `export const repl = { ...sim, Simulation };`,
    `export { meta };`,
    `export const start = createHarness({ meta, bind: __bind, modules });`,
    // For the terminal's REPL: the learner's module loaded as the tests load it, outside a run.
    `export const loadLearner = (source) => compileLearner(source, modules)();`,
  ].join('\n');

  const result = await build({
    stdin: { contents: entry, resolveDir: dir, sourcefile: `${id}-${suite === 'hidden' ? 'grader' : 'examples'}.ts`, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Identifiers stay as written: V8 names them in learners' error messages ("HashRing is not
    // a constructor"), which a minified "Mt is not a constructor" would make useless.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [graderAliases(meta)],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Hidden tests import `vitest` and `@baristas/learner`. In a bundle, `vitest` is our small
 * runner, and `@baristas/learner` is a module of live bindings that the harness points at the
 * learner's exports once they have loaded, plus `newInstance()`, which evaluates the learner's
 * module afresh: simulated nodes each get their own, so module-level variables cannot carry
 * state between nodes behind the network's back.
 */
function graderAliases(meta: ExerciseMeta): Plugin {
  return {
    name: 'baristas-grader-aliases',
    setup(b) {
      b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(here, 'runner.ts') }));
      b.onResolve({ filter: /^@baristas\/learner$/ }, () => ({ path: 'learner', namespace: 'baristas-learner' }));
      b.onLoad({ filter: /.*/, namespace: 'baristas-learner' }, () => ({
        loader: 'js',
        contents: [
          ...meta.exports.map((name) => `export let ${name};`),
          'let factory;',
          'export function newInstance() { return factory(); }',
          `export function __bind(m, f) { factory = f; ${meta.exports.map((name) => `${name} = m.${name};`).join(' ')} }`,
        ].join('\n'),
      }));
    },
  };
}

/** Bundles the WebContainer payload's runner (`run.mjs`): the Node host, no esbuild inside. */
export async function bundlePayloadRunner(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'payload-main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
