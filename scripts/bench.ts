/**
 * npm run bench — measures what the course promises to keep small and fast:
 * build time, the chapter page's JavaScript before and after the editor loads, the time from
 * the first keystroke to an editor that takes input (cold and warm cache), the time from
 * pressing Run to the verdict on the hash-ring and quorum exercises (median of repeated runs) in the
 * browser worker and through the WebContainer payload run in local Node, and the
 * simulation's engine, explorer and checker (scripts/bench-sim.ts).
 * Numbers depend on the machine; compare ratios between runs on the same one.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page, Response } from 'playwright-core';
import { bundleExercise, bundlePayloadRunner } from '../packages/grader/src/build.ts';
import { launch, newContext, openEditor, pasteIntoEditor, serveDist } from '../tests/e2e/browser.ts';
import { runWrittenPayload, writePayload } from '../tests/fixtures/payload.ts';
import { printRows, simBenchRows } from './bench-sim.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const EXERCISE = '[data-exercise="hash-ring"]';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number) => `${Math.round(n)} ms`;
const spread = (xs: number[]) => `${ms(median(xs))} (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;

// 1. Build time (grader bundles + astro build).
const t0 = performance.now();
const build = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
if (build.status !== 0) throw new Error('npm run build failed');
const buildMs = performance.now() - t0;

const browser = await launch();
const server = await serveDist();

/**
 * Collects every response of one kind the page loads: JavaScript (modules, chunks, workers) or
 * CSS (stylesheets; Monaco's own arrive inside the editor's JavaScript).
 */
function collect(page: Page, kind: 'javascript' | 'css') {
  const seen = new Map<string, Promise<{ raw: number; gzip: number }>>();
  page.context().on('response', (r: Response) => {
    const type = r.headers()['content-type'] ?? '';
    if (!type.includes(kind) || seen.has(r.url())) return;
    seen.set(
      r.url(),
      r.body().then(
        (b) => ({ raw: b.length, gzip: gzipSync(b).length }),
        () => ({ raw: 0, gzip: 0 }),
      ),
    );
  });
  return async () => {
    let raw = 0;
    let gzip = 0;
    const files: string[] = [];
    for (const [url, size] of seen) {
      const s = await size;
      raw += s.raw;
      gzip += s.gzip;
      files.push(url);
    }
    return { raw, gzip, files };
  };
}

// 2. Page weight before and after the editor loads.
const context = await newContext(browser);
const page = await context.newPage();
const beforeEditor = collect(page, 'javascript');
const cssBeforeEditor = collect(page, 'css');
await page.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
const pageJs = await beforeEditor();
const pageCss = await cssBeforeEditor();

const page2 = await context.newPage();
await page2.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
const editorJs = collect(page2, 'javascript');
// The TypeScript worker (most of the editor's weight) starts a moment after the editor shows;
// waiting for it, not for network idle alone, makes the total the same from run to run.
const tsWorker = page2.context().waitForEvent('response', { predicate: (r) => /ts\.worker/.test(r.url()), timeout: 60_000 });
const tEdit = performance.now();
await openEditor(page2, EXERCISE, 60_000);
const editorReadyMs = performance.now() - tEdit;
await tsWorker;
await page2.waitForLoadState('networkidle');
const editor = await editorJs();

// 3. Run → verdict, reference solution, fresh page state each time; the first run also
// fetches the bundle and is not counted. Then quorum, chapter 1's heaviest simulation
// exercise (five explored tests of 100 seeds each), with fewer repetitions.
async function runToVerdict(page: Page, exercise: string, file: string, runs: number): Promise<number[]> {
  if ((await page.locator(`${exercise}[data-editor="ready"]`).count()) === 0) await openEditor(page, exercise, 60_000);
  await pasteIntoEditor(page, exercise, readFileSync(file, 'utf8'));
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    await page.evaluate((sel) => document.querySelector(sel)!.removeAttribute('data-verdict'), exercise);
    const t = performance.now();
    await page.locator(`${exercise} [data-action="run"]`).click();
    await page.locator(`${exercise}[data-verdict="passed"]`).waitFor({ timeout: 120_000 });
    if (i > 0) times.push(performance.now() - t);
  }
  return times;
}
const solution = readFileSync('sandboxes/hash-ring/solution.ts', 'utf8');
const times = await runToVerdict(page2, EXERCISE, 'sandboxes/hash-ring/solution.ts', RUNS);
const QUORUM_RUNS = Math.min(RUNS, 7);
const quorumTimes = await runToVerdict(page2, '[data-exercise="quorum"]', 'sandboxes/quorum/solution.ts', QUORUM_RUNS);
// Paxos, chapter 6: scripted role tests and seeds explored with 3 and 5 acceptors.
const page3 = await context.newPage();
await page3.goto(`${server.url}/06-consensus/`, { waitUntil: 'networkidle' });
const paxosTimes = await runToVerdict(page3, '[data-exercise="paxos"]', 'sandboxes/paxos/solution.ts', QUORUM_RUNS);
// The ZooKeeper lock, same page: scripted clients, then baristas explored under faults.
const zkLockTimes = await runToVerdict(page3, '[data-exercise="zk-lock"]', 'sandboxes/zk-lock/solution.ts', QUORUM_RUNS);
const zkElectionTimes = await runToVerdict(page3, '[data-exercise="zk-election"]', 'sandboxes/zk-election/solution.ts', QUORUM_RUNS);

// 4. First keystroke → an editor that takes input: focus the Edit button, press Enter
// (which loads Monaco), then type; done when the typed text is in the editor. Cold: a fresh
// context (empty cache, nothing compiled). Warm: the same context after a reload.
const KEYSTROKE_RUNS = Math.min(RUNS, 5);
const TYPED = 'benchTyped';

async function keystrokeToEditor(page: Page): Promise<number> {
  // The exercise listens for keys once the runtime indicator is filled in.
  await page.waitForFunction((sel) => !!document.querySelector(`${sel} [data-role="runtime"]`)?.textContent, EXERCISE);
  const edit = page.locator(`${EXERCISE} [data-action="edit"]`);
  if (!(await edit.isVisible())) throw new Error('the editor is already open (a draft left behind?)');
  await edit.focus();
  const t = performance.now();
  await page.keyboard.press('Enter');
  await page.locator(`${EXERCISE}[data-editor="ready"]`).waitFor({ timeout: 60_000 });
  await page.keyboard.type(TYPED);
  await page.waitForFunction(
    ({ sel, typed }) => document.querySelector(`${sel} .view-lines`)?.textContent?.includes(typed) ?? false,
    { sel: EXERCISE, typed: TYPED },
    { polling: 'raf', timeout: 10_000 },
  );
  return performance.now() - t;
}

async function keystrokeBench(b: Browser) {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < KEYSTROKE_RUNS; i++) {
    const ctx = await newContext(b);
    const p = await ctx.newPage();
    await p.goto(`${server.url}/01-storage/`, { waitUntil: 'load' });
    cold.push(await keystrokeToEditor(p));
    // Back to the starter, so no draft reopens the editor by itself after the reload.
    await p.locator(`${EXERCISE} [data-action="reset"]`).click();
    await p.waitForTimeout(300);
    await p.reload({ waitUntil: 'load' });
    warm.push(await keystrokeToEditor(p));
    await ctx.close();
  }
  return { cold, warm };
}
const keystroke = await keystrokeBench(browser);

const simRows = await simBenchRows(browser);
await browser.close();
await server.close();

// 5. Run → verdict through the WebContainer payload (run.mjs, the exercise bundle and the
// learner's file: the tree the browser mounts), spawned in local Node as the parity test
// does; and Node's own start-up. Bundled here, as build-grader does, not read from dist/.
const payloadDir = mkdtempSync(join(tmpdir(), 'baristas-bench-payload-'));
const [runner, bundle] = await Promise.all([bundlePayloadRunner(), bundleExercise('hash-ring')]);
writePayload(payloadDir, { runner, bundle, source: solution });
const payloadTimes: number[] = [];
const payloadInside: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  const t = performance.now();
  const v = await runWrittenPayload(payloadDir);
  if (!v.passed) throw new Error('the payload did not pass the reference solution');
  if (i > 0) {
    payloadTimes.push(performance.now() - t); // the first run also warms the file cache
    payloadInside.push(v.durationMs);
  }
}
rmSync(payloadDir, { recursive: true, force: true });
const run = promisify(execFile);
const nodeStart: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await run(process.execPath, ['-e', '0']);
  nodeStart.push(performance.now() - t);
}
const startShare = Math.round((100 * median(nodeStart)) / median(payloadTimes));

// 6. The same grading through the CLI, for comparison (includes bundling and process start).
const cliTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync('npm', ['run', '--silent', 'grade', '--', 'hash-ring', 'sandboxes/hash-ring/solution.ts'], { stdio: 'ignore' });
  cliTimes.push(performance.now() - t);
}

const rows: [string, string][] = [
  ['build (grader bundles + astro build)', `${(buildMs / 1000).toFixed(1)} s`],
  ['chapter page JS before the editor (gzip)', `${kb(pageJs.gzip)} (${kb(pageJs.raw)} raw, ${pageJs.files.length} files)`],
  ['chapter page CSS before the editor (gzip)', `${kb(pageCss.gzip)} (${kb(pageCss.raw)} raw, ${pageCss.files.length} files)`],
  ['editor JS loaded on first edit (gzip)', `${kb(editor.gzip)} (${kb(editor.raw)} raw, ${editor.files.length} files)`],
  ['first edit → editor ready', `${Math.round(editorReadyMs)} ms`],
  [`first keystroke → editor takes input, cold cache (median of ${KEYSTROKE_RUNS})`, spread(keystroke.cold)],
  [`first keystroke → editor takes input, warm cache (median of ${KEYSTROKE_RUNS})`, spread(keystroke.warm)],
  [`Run → verdict, hash-ring solution, worker (median of ${RUNS})`, spread(times)],
  [`Run → verdict, quorum solution (5 × 100 explored seeds), worker (median of ${QUORUM_RUNS})`, spread(quorumTimes)],
  [`Run → verdict, paxos solution, worker (median of ${QUORUM_RUNS})`, spread(paxosTimes)],
  [`Run → verdict, zk-lock solution, worker (median of ${QUORUM_RUNS})`, spread(zkLockTimes)],
  [`Run → verdict, zk-election solution, worker (median of ${QUORUM_RUNS})`, spread(zkElectionTimes)],
  [`Run → verdict, hash-ring solution, WebContainer payload in local Node (median of ${RUNS})`, spread(payloadTimes)],
  ['  of which Node start-up (node -e 0, median)', `${ms(median(nodeStart))} (${startShare}%)`],
  ['  of which grading inside the payload (verdict.durationMs, median)', ms(median(payloadInside))],
  ['npm run grade, hash-ring solution (median of 5, whole command)', `${Math.round(median(cliTimes))} ms`],
];
printRows([...rows, ...simRows]);
