/**
 * npm run bench — measures what the course promises to keep small and fast:
 * build time, the chapter page's JavaScript before and after the editor loads, the time
 * from pressing Run to the verdict on the hash-ring exercise (median of repeated runs), and
 * the simulation's engine, explorer and checker (scripts/bench-sim.ts).
 * Numbers depend on the machine; compare ratios between runs on the same one.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';
import { launch, newContext, pasteIntoEditor, serveDist } from '../tests/e2e/browser.ts';
import { printRows, simBenchRows } from './bench-sim.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const EXERCISE = '[data-exercise="hash-ring"]';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

// 1. Build time (grader bundles + astro build).
const t0 = performance.now();
const build = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
if (build.status !== 0) throw new Error('npm run build failed');
const buildMs = performance.now() - t0;

const browser = await launch();
const server = await serveDist();

/** Collects every JavaScript response the page loads (modules, chunks, workers). */
function collectJs(page: Page) {
  const seen = new Map<string, Promise<{ raw: number; gzip: number }>>();
  page.context().on('response', (r: Response) => {
    const type = r.headers()['content-type'] ?? '';
    if (!type.includes('javascript') || seen.has(r.url())) return;
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
const beforeEditor = collectJs(page);
await page.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
const pageJs = await beforeEditor();

const page2 = await context.newPage();
await page2.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
const editorJs = collectJs(page2);
const tEdit = performance.now();
await page2.locator(`${EXERCISE} [data-role="static"]`).click();
await page2.locator(`${EXERCISE}[data-editor="ready"]`).waitFor({ timeout: 60_000 });
const editorReadyMs = performance.now() - tEdit;
await page2.waitForLoadState('networkidle');
const editor = await editorJs();

// 3. Run → verdict, reference solution, fresh page state each time.
const solution = readFileSync('sandboxes/hash-ring/solution.ts', 'utf8');
await pasteIntoEditor(page2, EXERCISE, solution);
const times: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  await page2.evaluate((sel) => document.querySelector(sel)!.removeAttribute('data-verdict'), EXERCISE);
  const t = performance.now();
  await page2.locator(`${EXERCISE} [data-action="run"]`).click();
  await page2.locator(`${EXERCISE}[data-verdict="passed"]`).waitFor({ timeout: 60_000 });
  if (i > 0) times.push(performance.now() - t); // the first run also fetches the bundle
}
const simRows = await simBenchRows(browser);
await browser.close();
await server.close();

// 4. The same grading through the CLI, for comparison (includes bundling and process start).
const cliTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync('npm', ['run', '--silent', 'grade', '--', 'hash-ring', 'sandboxes/hash-ring/solution.ts'], { stdio: 'ignore' });
  cliTimes.push(performance.now() - t);
}

const rows: [string, string][] = [
  ['build (grader bundles + astro build)', `${(buildMs / 1000).toFixed(1)} s`],
  ['chapter page JS before the editor (gzip)', `${kb(pageJs.gzip)} (${kb(pageJs.raw)} raw, ${pageJs.files.length} files)`],
  ['editor JS loaded on first edit (gzip)', `${kb(editor.gzip)} (${kb(editor.raw)} raw, ${editor.files.length} files)`],
  ['first edit → editor ready', `${Math.round(editorReadyMs)} ms`],
  [`Run → verdict, hash-ring solution, worker (median of ${RUNS})`, `${Math.round(median(times))} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))})`],
  ['npm run grade, hash-ring solution (median of 5, whole command)', `${Math.round(median(cliTimes))} ms`],
];
printRows([...rows, ...simRows]);
