import type { TestResult, Verdict } from '@baristas/grader';
import type { ExplorationProgress } from '@baristas/sim/host';

/**
 * The file tree mounted into a WebContainer for one run, and the command that grades it.
 * Pure data, shared by the browser runtime and the test that runs the same tree in local Node.
 */
export interface PayloadFiles {
  /** `run.mjs`: the Node host (see packages/grader/src/payload-main.ts). */
  runner: string;
  /** The exercise's grader bundle. */
  bundle: string;
  /** The learner's TypeScript source. */
  source: string;
}

/** Files by path relative to the tree's root (`a/b.js`); `nestTree` gives WebContainer's nested shape. */
export type PayloadTree = Record<string, { file: { contents: string } }>;

export function payloadTree(files: PayloadFiles): PayloadTree {
  return {
    'package.json': { file: { contents: JSON.stringify({ name: 'baristas-run', private: true, type: 'module' }) } },
    'run.mjs': { file: { contents: files.runner } },
    'grader.js': { file: { contents: files.bundle } },
    'learner.ts': { file: { contents: files.source } },
  };
}

/** What to spawn in the tree's root: prints the Verdict JSON on stdout. */
export const PAYLOAD_COMMAND = { command: 'node', args: ['run.mjs', 'grader.js', 'learner.ts'] } as const;

/** The command's arguments, replaying one simulation run when `replay` is given. */
export function payloadArgs(replay?: string): string[] {
  return replay === undefined ? [...PAYLOAD_COMMAND.args] : [...PAYLOAD_COMMAND.args, '--replay', replay];
}

/** A line the payload prints while it runs (see packages/grader/src/payload-main.ts). */
export type PayloadEvent =
  | { event: 'test'; index: number; total: number; result: TestResult }
  | { event: 'progress'; index: number; total: number; progress: ExplorationProgress };

/**
 * Reads the payload's stdout as it streams: calls `onEvent` for each complete event line and
 * keeps the last line, the verdict. Output arrives in arbitrary chunks, so lines are
 * reassembled first.
 */
export function payloadOutputReader(onEvent: (event: PayloadEvent) => void): { push(chunk: string): void; verdict(): Verdict } {
  let pending = '';
  let last = '';
  const take = (line: string): void => {
    const text = line.trim();
    if (!text) return;
    last = text;
    if (!text.startsWith('{"event":')) return;
    try {
      onEvent(JSON.parse(text) as PayloadEvent);
    } catch {
      // A malformed event line only costs a progress update; the verdict decides.
    }
  };
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) take(line);
    },
    verdict() {
      take(pending);
      pending = '';
      try {
        const verdict = JSON.parse(last) as Verdict;
        if (verdict.version === 1) return verdict;
      } catch {
        // fall through
      }
      throw new Error(`the WebContainer grader printed no verdict: ${last.slice(-300)}`);
    },
  };
}

/** What the terminal's folder holds besides the runner and bundles. */
export interface TerminalFiles extends PayloadFiles {
  /** The exercise's id: the folder's name and the REPL's prompt. */
  id: string;
  /** The visible example tests' bundle, when the exercise has them. */
  examples?: string;
}

/** The folder, relative to the WebContainer's working directory, that the terminal opens in. */
export const terminalFolder = (id: string): string => `exercises/${id}`;

/**
 * The REPL behind `npm run repl`: the learner's exports and `sim` in scope, `.reload` to pick up
 * the latest `learner.ts`. Plain JS, since it runs as written.
 */
const REPL_SCRIPT = `import { readFileSync } from 'node:fs';
import repl from 'node:repl';
const { loadLearner, repl: sim, meta } = await import('./grader.js');
function load() {
  try {
    return loadLearner(readFileSync('learner.ts', 'utf8'));
  } catch (error) {
    console.error(error?.problem?.message ?? error?.message ?? String(error));
    return {};
  }
}
const exports = load();
console.log('learner.ts is loaded: ' + (Object.keys(exports).join(', ') || 'nothing') + '. The simulation package is \`sim\`. .reload reads learner.ts again; .exit leaves.');
const session = repl.start({ prompt: meta.id + '> ' });
Object.assign(session.context, exports, { sim });
session.defineCommand('reload', {
  help: 'Load learner.ts again',
  action() {
    Object.assign(this.context, load());
    this.displayPrompt();
  },
});
`;

/**
 * The folder the terminal opens in: the learner's file, the grader, the visible examples and
 * a README, with npm scripts that run them under real Node. Mounted next to (not over) the
 * tree each Run mounts, so a Run never replaces the learner's shell session.
 */
export function terminalTree(files: TerminalFiles): PayloadTree {
  const run = 'node .baristas/run.mjs';
  const scripts: Record<string, string> = {
    grade: `${run} .baristas/grader.js learner.ts --human`,
    ...(files.examples === undefined ? {} : { examples: `${run} .baristas/examples.js learner.ts --human --examples` }),
    repl: 'node .baristas/repl.mjs',
  };
  const readme = [
    `# ${files.id}`,
    '',
    '`learner.ts` is your code from the editor; it is updated each time you Run.',
    '',
    '    npm run grade      the hidden tests, as Run grades them',
    ...(files.examples === undefined ? [] : ['    npm run examples   the visible example tests (examples.test.ts in the course)']),
    '    npm run repl       a Node REPL with your exports and `sim` in scope',
    '    node my-script.mjs any script of your own',
    '',
  ].join('\n');
  return {
    'package.json': { file: { contents: `${JSON.stringify({ name: `baristas-${files.id}`, private: true, type: 'module', scripts }, null, 2)}\n` } },
    'README.md': { file: { contents: readme } },
    'learner.ts': { file: { contents: files.source } },
    '.baristas/run.mjs': { file: { contents: files.runner } },
    '.baristas/grader.js': { file: { contents: files.bundle } },
    '.baristas/repl.mjs': { file: { contents: REPL_SCRIPT } },
    ...(files.examples === undefined ? {} : { '.baristas/examples.js': { file: { contents: files.examples } } }),
  };
}

/** A WebContainer FileSystemTree: directories nest. */
export type NestedTree = { [name: string]: { file: { contents: string } } | { directory: NestedTree } };

/** Turns a tree keyed by `a/b/c` paths into the nested shape `WebContainer.mount` takes. */
export function nestTree(flat: PayloadTree): NestedTree {
  const root: NestedTree = {};
  for (const [path, node] of Object.entries(flat)) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const entry = (dir[part] ??= { directory: {} });
      if (!('directory' in entry)) throw new Error(`${path}: ${part} is a file, not a folder`);
      dir = entry.directory;
    }
    dir[parts.at(-1)!] = node;
  }
  return root;
}
