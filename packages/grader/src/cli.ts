/**
 * npm run grade -- <exercise-id> <file.ts> [--json] [--replay <string> [--trace <out.json>]]
 * Exit codes: 0 every hidden test passed, 1 some did not, 2 bad usage.
 * With --replay, runs only the simulation run the string names (copied from a failed test) and
 * reports that test; --trace writes the run's trace as JSON for a closer look.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeReplay, describePlan, traceDigest } from '@baristas/sim/host';
import { REPO_ROOT, SANDBOXES_DIR, bundleExercise, listExercises } from './build.ts';
import { gradeWithBundle } from './node.ts';
import { formatVerdict } from './internal/format.ts';

const USAGE = 'usage: npm run grade -- <exercise-id> <file.ts> [--json] [--replay <string> [--trace <out.json>]]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const positional: string[] = [];
const flags: { json: boolean; replay?: string; trace?: string } = { json: false };
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--json') flags.json = true;
  else if (arg === '--replay' || arg === '--trace') {
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) fail(`${arg} needs a value`);
    flags[arg === '--replay' ? 'replay' : 'trace'] = value;
  } else if (arg.startsWith('--')) fail(`unknown option ${arg}`);
  else positional.push(arg);
}
if (positional.length !== 2) fail('expected an exercise id and a file');
if (flags.trace !== undefined && flags.replay === undefined) fail('--trace needs --replay');
const [id, file] = positional as [string, string];
const json = flags.json;
let replayText = '';
if (flags.replay !== undefined) {
  try {
    const replay = decodeReplay(flags.replay);
    replayText = `Replaying scenario ${replay.scenario}, seed ${replay.seed}: ${describePlan(replay.plan)}.\n`;
  } catch (error) {
    fail((error as Error).message);
  }
}

// Instructors and the grader's own tests can point the CLI at another folder of sandboxes.
const sandboxesDir = process.env.BARISTAS_SANDBOXES_DIR ? resolve(process.env.BARISTAS_SANDBOXES_DIR) : SANDBOXES_DIR;
const exercises = listExercises(sandboxesDir);
if (!exercises.includes(id)) fail(`unknown exercise "${id}"; known exercises: ${exercises.join(', ')}`);
// npm runs scripts from the package root; INIT_CWD is where the learner typed the command.
const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
if (!existsSync(path)) fail(`no such file: ${file}`);

const cacheDir = join(REPO_ROOT, 'node_modules', '.cache', 'baristas');
mkdirSync(cacheDir, { recursive: true });
const bundlePath = join(cacheDir, `${id}.js`);
writeFileSync(bundlePath, await bundleExercise(id, sandboxesDir));

const verdict = await gradeWithBundle({
  bundlePath,
  source: readFileSync(path, 'utf8'),
  ...(flags.replay !== undefined ? { replay: flags.replay } : {}),
  onTest: json || !process.stderr.isTTY ? undefined : (_result, index, total) => process.stderr.write(`\r${index + 1}/${total} tests run`),
});
if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
const trace = verdict.tests[0]?.trace;
if (flags.trace !== undefined && trace) writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), flags.trace), JSON.stringify(trace));
if (json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
else {
  // The trace is for machines; the terminal gets its size and fingerprint.
  const shown = { ...verdict, tests: verdict.tests.map(({ trace: _trace, ...t }) => t) };
  process.stdout.write(replayText + formatVerdict(shown));
  if (trace) {
    process.stdout.write(
      `trace: ${trace.events.length} events${trace.droppedEvents ? ` (${trace.droppedEvents} left out)` : ''}, digest ${traceDigest(trace)}` +
        `${flags.trace !== undefined ? `, written to ${flags.trace} (open it on the course site's /trace/ page to step through the run)` : ''}\n`,
    );
  }
}
process.exit(verdict.passed ? 0 : 1);
