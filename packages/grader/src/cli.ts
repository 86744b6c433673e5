/**
 * npm run grade -- <exercise-id> <file.ts> [--json]
 * Exit codes: 0 every hidden test passed, 1 some did not, 2 bad usage.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, bundleExercise, listExercises } from './build.ts';
import { gradeWithBundle } from './node.ts';
import { formatVerdict } from './internal/format.ts';

const USAGE = 'usage: npm run grade -- <exercise-id> <file.ts> [--json]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--json');
if (unknownFlags.length > 0) fail(`unknown option ${unknownFlags.join(', ')}`);
if (positional.length !== 2) fail('expected an exercise id and a file');
const [id, file] = positional as [string, string];

const exercises = listExercises();
if (!exercises.includes(id)) fail(`unknown exercise "${id}"; known exercises: ${exercises.join(', ')}`);
// npm runs scripts from the package root; INIT_CWD is where the learner typed the command.
const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
if (!existsSync(path)) fail(`no such file: ${file}`);

const cacheDir = join(REPO_ROOT, 'node_modules', '.cache', 'baristas');
mkdirSync(cacheDir, { recursive: true });
const bundlePath = join(cacheDir, `${id}.js`);
writeFileSync(bundlePath, await bundleExercise(id));

const verdict = await gradeWithBundle({
  bundlePath,
  source: readFileSync(path, 'utf8'),
  onTest: json || !process.stderr.isTTY ? undefined : (result, index, total) => process.stderr.write(`\r${index + 1}/${total} tests run`),
});
if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
process.stdout.write(json ? `${JSON.stringify(verdict, null, 2)}\n` : formatVerdict(verdict));
process.exit(verdict.passed ? 0 : 1);
