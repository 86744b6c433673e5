/**
 * Entry point of the WebContainer payload: `node run.mjs <bundle.js> <learner.ts> [--replay <s>]`
 * prints one JSON line per finished test (`{"event":"test",…}`) and per progress report
 * (`{"event":"progress",…}`) as the run goes, then the Verdict as the last line of stdout. Built into `run.mjs` next to the exercise bundles; the test suite
 * runs exactly this file tree in local Node, since CI cannot reach StackBlitz.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gradeWithBundle } from './node.ts';

const [bundle, learner, flag, replay] = process.argv.slice(2);
if (!bundle || !learner || (flag !== undefined && (flag !== '--replay' || replay === undefined))) {
  process.stderr.write('usage: node run.mjs <bundle.js> <learner.ts> [--replay <string>]\n');
  process.exit(2);
}
const line = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const verdict = await gradeWithBundle({
  bundlePath: resolve(bundle),
  source: readFileSync(learner, 'utf8'),
  runtime: 'webcontainer',
  // Streamed so the page can show progress; the verdict line stays last.
  onTest: (result, index, total) => line({ event: 'test', index, total, result: { ...result, trace: undefined } }),
  onProgress: (progress, index, total) => line({ event: 'progress', index, total, progress }),
  ...(replay !== undefined ? { replay } : {}),
});
process.stdout.write(`${JSON.stringify(verdict)}\n`);
process.exit(verdict.passed ? 0 : 1);
