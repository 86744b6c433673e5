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

/** Shaped like @webcontainer/api's FileSystemTree. */
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
