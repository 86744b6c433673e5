import type { TestResult, Verdict } from '@baristas/grader';
import type { ExplorationProgress } from '@baristas/sim/check';

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
