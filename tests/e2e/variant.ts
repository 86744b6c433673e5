/**
 * Builds of the site with other settings than `dist/` (a sub-path, WebContainer off), made by
 * the real `astro build` with the settings' environment variables, once per test run: test
 * files asking for the same settings share one build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { serveStatic, type StaticServer } from './static-server.ts';
import { readCourseConfig, type CourseConfig } from '../../src/course-config.ts';

/** Settings as `BARISTAS_*` environment variables, e.g. `{ BARISTAS_BASE: '/course/' }`. */
export type VariantEnv = Record<`BARISTAS_${string}`, string>;

export interface Variant {
  /** The built site. */
  dir: string;
  /** The settings it was built with, as the build read them. */
  config: CourseConfig;
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The site built with `env`, kept under `.cache/variants/`. Reused only while it is newer than
 * `dist/` (which `npm test` builds first), so it never lags the sources it was built from.
 */
export function buildVariant(env: VariantEnv): Variant {
  // public/grader/ (built once, before dist/) holds the solutions or not: a variant cannot change that.
  if ('BARISTAS_SOLUTIONS' in env) throw new Error('buildVariant: BARISTAS_SOLUTIONS needs its own build:grader run; not supported here');
  const key = createHash('sha256').update(JSON.stringify(Object.entries(env).sort())).digest('hex').slice(0, 12);
  const dir = join(ROOT, '.cache', 'variants', key);
  const stamp = join(dir, '.built');
  const config = readCourseConfig(ROOT, { ...process.env, ...env });
  const dist = join(ROOT, 'dist', 'index.html');
  const distBuiltMs = existsSync(dist) ? statSync(dist).mtimeMs : Infinity;
  if (existsSync(stamp) && Number(readFileSync(stamp, 'utf8')) >= distBuiltMs) return { dir, config };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The grader bundles do not depend on base or webcontainer; astro build copies them from public/.
  execFileSync('npx', ['astro', 'build', '--outDir', dir], { cwd: ROOT, env: { ...buildEnvironment(), ...env }, stdio: 'pipe' });
  writeFileSync(stamp, String(Date.now()));
  return { dir, config };
}

/**
 * This process's environment without what vitest put in it: Astro reads `import.meta.env` from
 * the environment at build time, and vitest's `BASE_URL=/`, `NODE_ENV=test`, `MODE`, `DEV`, `PROD`
 * and `SSR` would override the build's own (links built for `/` instead of the base).
 */
function buildEnvironment(): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const key of Object.keys(clean)) {
    if (/^(BASE_URL|NODE_ENV|MODE|DEV|PROD|SSR|TEST|VITEST.*|VITE_.*)$/.test(key)) delete clean[key];
  }
  return clean;
}

/** Serves a variant the way its settings say it will be hosted: under its base, with isolation headers unless WebContainer is off. */
export function serveVariant(variant: Variant, options: { isolation?: boolean } = {}): Promise<StaticServer> {
  return serveStatic(variant.dir, { base: variant.config.base, isolation: options.isolation ?? variant.config.webcontainer !== 'off' });
}
