/**
 * Entry point of the WebContainer payload:
 *   node run.mjs <bundle.js> <learner.ts> [--replay <s>] [--human [--examples]]
 * By default prints one JSON line per finished test (`{"event":"test",…}`) and per progress
 * report (`{"event":"progress",…}`) as the run goes, then the Verdict as the last line of
 * stdout: what the page reads. `--human` prints for a person at the terminal instead: each
 * test as it finishes, then a summary; `--examples` says the bundle holds the visible example
 * tests, not the graded ones. Built into `run.mjs` next to the exercise bundles; the test
 * suite runs exactly this file tree in local Node, since CI cannot reach StackBlitz.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gradeWithBundle, type NodeGradeOptions } from './node.ts';
import { formatSummary, formatTest } from './internal/format.ts';

const USAGE = 'usage: node run.mjs <bundle.js> <learner.ts> [--replay <string>] [--human [--examples]]\n';
const [bundle, learner, ...rest] = process.argv.slice(2);
let replay: string | undefined;
let human = false;
let examples = false;
let usable = bundle !== undefined && learner !== undefined;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--replay' && rest[i + 1] !== undefined) replay = rest[++i];
  else if (rest[i] === '--human') human = true;
  else if (rest[i] === '--examples') examples = true;
  else usable = false;
}
if (!usable || (examples && !human)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const line = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const onProgress: NodeGradeOptions['onProgress'] = (progress, index, total) => line({ event: 'progress', index, total, progress });
const verdict = await gradeWithBundle({
  bundlePath: resolve(bundle!),
  source: readFileSync(learner!, 'utf8'),
  runtime: 'webcontainer',
  // Streamed so the page can show progress (or the person at the terminal sees each test as
  // it finishes); the verdict line stays last.
  onTest: human
    ? (result) => void process.stdout.write(formatTest(result))
    : (result, index, total) => line({ event: 'test', index, total, result: { ...result, trace: undefined } }),
  ...(human ? {} : { onProgress }),
  ...(replay !== undefined ? { replay } : {}),
});
if (human) process.stdout.write(`${verdict.problem ? `${verdict.problem.message}\n` : ''}\n${formatSummary(verdict, { examples })}`);
else process.stdout.write(`${JSON.stringify(verdict)}\n`);
process.exit(verdict.passed ? 0 : 1);
