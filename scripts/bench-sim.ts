/**
 * Simulation benchmarks (part of `npm run bench`; alone: `npm run bench:sim`):
 * - the raw engine: message deliveries per second for an echo workload in Node;
 * - exploration: seeds per second for the reference register (ABD, 5 nodes, 100 operations,
 *   drops, duplicates, partitions and crashes), in Node and in a Chromium worker;
 * - the linearizability checker over Porcupine's etcd and kv histories.
 * Numbers depend on the machine; compare them as ratios on the same one.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { checkLinearizable, casRegisterModel, explore, kvModel } from '../packages/sim/src/testing.ts';
import { echoDeliveriesPerSecond } from '../packages/sim/bench/echo.ts';
import { registerScenario } from '../packages/sim/test/fixtures/register-scenario.ts';
import { loadEtcdHistories, loadKvHistory } from '../packages/sim/test/porcupine.ts';
import { REPO_ROOT } from '../packages/grader/src/build.ts';
import { serveWorkerPage } from '../tests/e2e/fixtures/worker-page.ts';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 300);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function engine(recordTrace: boolean): string {
  echoDeliveriesPerSecond({ deliveries: 300_000, recordTrace }); // warm up the JIT
  const runs = Array.from({ length: 3 }, () => echoDeliveriesPerSecond({ recordTrace }));
  const rates = runs.map((r) => r.perSecond / 1e6);
  return `${median(rates).toFixed(2)} M/s median of 3 (min ${Math.min(...rates).toFixed(2)}, max ${Math.max(...rates).toFixed(2)}; 2 M deliveries each)`;
}

function exploreNode(): string {
  const scenario = registerScenario('correct');
  explore(scenario, { runsMin: 20, runsMax: 20 });
  const t0 = performance.now();
  const result = explore(scenario, { runsMin: SEEDS, runsMax: SEEDS });
  const ms = performance.now() - t0;
  if (result.outcome !== 'ok') throw new Error(`the reference register failed: ${JSON.stringify(result).slice(0, 300)}`);
  return `${Math.round((SEEDS / ms) * 1000)} seeds/s (${SEEDS} seeds in ${Math.round(ms)} ms)`;
}

async function exploreChromium(browser: Browser): Promise<string> {
  const bundled = await build({
    stdin: {
      contents: [
        `import { explore } from ${JSON.stringify(join(REPO_ROOT, 'packages/sim/src/testing.ts'))};`,
        `import { registerScenario } from ${JSON.stringify(join(REPO_ROOT, 'packages/sim/test/fixtures/register-scenario.ts'))};`,
        'self.onmessage = (e) => {',
        "  const scenario = registerScenario('correct');",
        '  explore(scenario, { runsMin: 20, runsMax: 20 });',
        '  const t0 = performance.now();',
        '  const r = explore(scenario, { runsMin: e.data, runsMax: e.data });',
        '  self.postMessage({ outcome: r.outcome, ms: performance.now() - t0 });',
        '};',
      ].join('\n'),
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  const server = await serveWorkerPage({ 'bench-worker.mjs': bundled.outputFiles[0]!.text });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const { outcome, ms } = await page.evaluate(
      (seeds) =>
        new Promise<{ outcome: string; ms: number }>((resolve) => {
          const worker = new Worker('/bench-worker.mjs', { type: 'module' });
          worker.onmessage = (e) => resolve(e.data);
          worker.postMessage(seeds);
        }),
      SEEDS,
    );
    if (outcome !== 'ok') throw new Error('the reference register failed in Chromium');
    return `${Math.round((SEEDS / ms) * 1000)} seeds/s (${SEEDS} seeds in ${Math.round(ms)} ms)`;
  } finally {
    await server.close();
  }
}

function checker(): [string, string][] {
  const histories = loadEtcdHistories();
  // Warm up on a few, then time every history once.
  for (const h of histories.slice(0, 5)) checkLinearizable(casRegisterModel, h.history);
  let total = 0;
  let slowest = { name: '', ms: 0 };
  let undecided = 0;
  let wrong = 0;
  const each: number[] = [];
  for (const h of histories) {
    const t0 = performance.now();
    const result = checkLinearizable(casRegisterModel, h.history);
    const ms = performance.now() - t0;
    total += ms;
    each.push(ms);
    if (ms > slowest.ms) slowest = { name: h.name, ms };
    if (result.outcome === 'unknown') undecided++;
    else if ((result.outcome === 'ok') !== h.expected) wrong++;
  }
  const kv = (name: string) => {
    const h = loadKvHistory(name);
    const t0 = performance.now();
    const result = checkLinearizable(kvModel, h.history);
    const ms = performance.now() - t0;
    return `${Math.round(ms)} ms (${h.history.length} operations, ${result.outcome}, expected ${h.expected ? 'ok' : 'violated'})`;
  };
  return [
    [
      `linearizability, all ${histories.length} etcd histories`,
      `${Math.round(total)} ms total, median ${median(each).toFixed(2)} ms, slowest ${Math.round(slowest.ms)} ms (${slowest.name}); ${undecided} undecided, ${wrong} wrong`,
    ],
    ['linearizability, kv c50-ok per key', kv('c50-ok')],
    ['linearizability, kv c50-bad per key', kv('c50-bad')],
  ];
}

/** Every simulation benchmark as table rows; `browser` adds the Chromium worker row. */
export async function simBenchRows(browser?: Browser): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  rows.push(['sim engine, echo workload, trace on, Node (deliveries/s)', engine(true)]);
  rows.push(['sim engine, echo workload, trace off (as explored runs), Node', engine(false)]);
  rows.push([`explorer, ABD register 5 nodes × 100 ops, faults on, Node`, exploreNode()]);
  if (browser) rows.push([`explorer, same workload, Chromium worker`, await exploreChromium(browser)]);
  rows.push(...checker());
  return rows;
}

export function printRows(rows: [string, string][]): void {
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

if (import.meta.main) {
  const { launch } = await import('../tests/e2e/browser.ts');
  const browser = await launch();
  try {
    printRows(await simBenchRows(browser));
  } finally {
    await browser.close();
  }
}
