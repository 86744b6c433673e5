/**
 * Course-wide build settings from `course.config.json` (instructors and self-hosters edit it),
 * read at build time by the site, by astro.config.mjs and by scripts/build-grader.ts. Each
 * setting can be overridden by an environment variable, so one checkout can build several
 * variants (a class build, a sub-path build) without editing the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CourseConfig {
  /**
   * Whether learners may reveal reference solutions; `hidden` does not even publish them.
   * Default `shown`; `BARISTAS_SOLUTIONS` overrides it.
   */
  solutions: 'shown' | 'hidden';
  /**
   * The path the site is served under, always starting and ending with `/`: `/` at a domain's
   * root, `/course/` for `https://example.org/course/` (a GitHub Pages project site is
   * `/<repository>/`). Every page, asset, worker and grader file is built under it. Default:
   * the path of `site` when that has one, else `/`; `BARISTAS_BASE` overrides it.
   */
  base: string;
  /**
   * The address the site will be reached at (`https://example.org/course/`), used for the
   * sitemap and canonical links; unset, the build has no sitemap. `BARISTAS_SITE` overrides it.
   */
  site?: string;
  /**
   * WebContainer (real Node in the page, loaded from stackblitz.com): `off` never offers or
   * boots it (no isolation headers, no `_headers` file, its boot code never requested); `ask`
   * (default) offers it and loads nothing until the
   * learner accepts; `auto` boots it in idle time wherever the page is cross-origin isolated.
   * `BARISTAS_WEBCONTAINER` overrides it.
   */
  webcontainer: 'off' | 'ask' | 'auto';
}

type Env = Record<string, string | undefined>;

const KEYS = new Set(['$comment', 'solutions', 'base', 'site', 'webcontainer']);

/** Reads the config in `root`, the environment overriding the file. Throws with the fix on a bad value. */
export function readCourseConfig(root: string = process.cwd(), env: Env = process.env): CourseConfig {
  const file = JSON.parse(readFileSync(join(root, 'course.config.json'), 'utf8')) as Record<string, unknown>;
  return parseCourseConfig(file, env);
}

/** Validates and completes a parsed `course.config.json`; exported for tests. */
export function parseCourseConfig(file: Record<string, unknown>, env: Env = {}): CourseConfig {
  const unknown = Object.keys(file).filter((k) => !KEYS.has(k));
  if (unknown.length) fail(`unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: solutions, base, site, webcontainer)`);

  const solutions = pick(file, env, 'solutions', 'BARISTAS_SOLUTIONS') ?? 'shown';
  if (solutions !== 'shown' && solutions !== 'hidden') fail(`solutions must be "shown" or "hidden", got ${JSON.stringify(solutions)}`);

  const webcontainer = pick(file, env, 'webcontainer', 'BARISTAS_WEBCONTAINER') ?? 'ask';
  if (webcontainer !== 'off' && webcontainer !== 'ask' && webcontainer !== 'auto') {
    fail(`webcontainer must be "off", "ask" or "auto", got ${JSON.stringify(webcontainer)}`);
  }

  const siteValue = pick(file, env, 'site', 'BARISTAS_SITE') || undefined;
  let site: URL | undefined;
  if (siteValue !== undefined) {
    try {
      site = new URL(siteValue);
    } catch {
      fail(`site must be a full address such as "https://example.org/course/", got ${JSON.stringify(siteValue)}`);
    }
    if (site.protocol !== 'https:' && site.protocol !== 'http:') fail(`site must start with https:// or http://, got ${JSON.stringify(siteValue)}`);
    if (site.search || site.hash) fail(`site must not have a query or a fragment, got ${JSON.stringify(siteValue)}`);
  }
  const sitePath = site ? withSlashes(site.pathname) : undefined;

  const baseValue = pick(file, env, 'base', 'BARISTAS_BASE');
  const base = baseValue === undefined || baseValue === '' ? (sitePath ?? '/') : normaliseBase(baseValue);
  if (sitePath !== undefined && sitePath !== '/' && sitePath !== base) {
    fail(`site ${JSON.stringify(siteValue)} has the path ${sitePath} but base is ${base}: make them agree, or give site without a path`);
  }
  return { solutions, base, webcontainer, ...(site ? { site: new URL(base, site.origin).href } : {}) };
}

function pick(file: Record<string, unknown>, env: Env, key: string, variable: string): string | undefined {
  const fromEnv = env[variable];
  if (fromEnv !== undefined) return fromEnv;
  const value = file[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** `course`, `/course`, `/course/` all mean `/course/`; anything that is not a plain path is refused. */
function normaliseBase(value: string): string {
  const base = withSlashes(value.trim());
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(base) || base.split('/').some((part) => part === '.' || part === '..')) {
    fail(`base must be a plain path such as "/course/" (letters, digits, . _ ~ - and slashes), got ${JSON.stringify(value)}`);
  }
  return base;
}

function withSlashes(path: string): string {
  return `/${path}/`.replace(/\/{2,}/g, '/');
}

function fail(message: string): never {
  throw new Error(`course.config.json: ${message}`);
}
