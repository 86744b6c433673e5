/**
 * Structural checks on the chapters' prose and the exercise briefs: the fault model every
 * simulated exercise runs under is stated in chapter 1 and linked from those briefs, every
 * root-relative link points at a page (and heading) that exists, and a few corrections stay
 * corrected.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';

const root = process.cwd();
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

const FAULT_MODEL_HEADING = 'What the network and the machines can do to you';
/** As briefs write it: relative to the chapter page they are shown on (every chapter is `<base><folder>/`). */
const FAULT_MODEL_LINK = '../01-storage/#what-the-network-and-the-machines-can-do-to-you';

/** Chapter folders, `01-storage`, `02-cap`, …: those the site turns into pages. */
const chapters = readdirSync(join(root, 'content'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && existsSync(join(root, 'content', d.name, 'index.mdx')))
  .map((d) => d.name);

/** Pages that are not chapters but may be linked to (src/pages and the welcome page). */
const OTHER_PAGES = ['/', '/progress/', '/reference/sim/', '/trace/'];

/** Pages written as one file at the top of content/ (`authoring.mdx` is `/authoring/`), by their path. */
const topPages = new Map<string, string>(
  readdirSync(join(root, 'content'), { withFileTypes: true })
    .filter((d) => d.isFile() && /\.mdx?$/.test(d.name) && !/^index\.mdx?$/.test(d.name))
    .map((d) => [`/${d.name.replace(/\.mdx?$/, '')}/`, `content/${d.name}`] as const),
);

const sandboxes = readdirSync(join(root, 'sandboxes'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'sandboxes', d.name, 'brief.md')))
  .map((d) => d.name);

/** Every .mdx file under content/, as a repository-relative path. */
function mdxFiles(dir = 'content'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? mdxFiles(`${dir}/${d.name}`) : d.name.endsWith('.mdx') ? [`${dir}/${d.name}`] : [],
  );
}

/** Drops fenced code blocks, whose `#` lines and `](/…)` are not headings or links. */
const withoutCode = (text: string): string => text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/**
 * The ids Astro gives a page's headings: github-slugger over each heading's text, in order
 * (so a repeated heading gets `-1`, `-2`, …), with Markdown markup reduced to its text.
 */
function headingIds(mdx: string): Set<string> {
  const slugger = new GithubSlugger();
  const ids = new Set<string>();
  for (const match of withoutCode(mdx).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = match[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) → text
      .replace(/`([^`]*)`/g, '$1')
      .replace(/(\*\*?)(\S(?:.*?\S)?)\1/g, '$2') // *em*, **strong**
      .replace(/(?<!\w)(__?)(\S(?:.*?\S)?)\1(?!\w)/g, '$2'); // _em_, __strong__, but not snake_case
    ids.add(slugger.slug(text));
  }
  return ids;
}

interface Link {
  file: string;
  target: string;
}

/** The page a file is shown on, as a path from the site's base: the home page, a page at the top of content/, or a chapter (briefs and hints show in one). */
const pageOf = (file: string): string =>
  file === 'content/index.mdx' ? '/' : /^content\/[^/]+\.mdx?$/.test(file) ? `/${file.split('/')[1]!.replace(/\.mdx?$/, '')}/` : `/${file.split('/')[1]}/`;

/** Links to the site's own pages: Markdown `](…)` and `href="…"`, except other sites and in-page `#…`. */
function siteLinks(file: string): Link[] {
  const text = withoutCode(read(file));
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((target) => ({ file, target }));
}

/** Why a link is broken, or undefined when it is fine. */
function brokenBecause({ file, target }: Link): string | undefined {
  // The site may be served under a sub-path (`base`), which a link from the domain's root skips.
  if (target.startsWith('/')) return `it starts at the domain's root, a 404 when the site is served under a sub-path: write it relative to the page (../<chapter>/)`;
  const resolved = new URL(target, `https://course.example${pageOf(file)}`);
  const path = resolved.pathname;
  const fragment = resolved.hash ? decodeURIComponent(resolved.hash.slice(1)) : undefined;
  const rest = target.split('#').slice(2);
  if (rest.length > 0) return 'it has two #';
  const chapter = chapters.find((c) => path === `/${c}/`);
  const source = chapter ? `content/${chapter}/index.mdx` : topPages.get(path!);
  if (!source) {
    if (!OTHER_PAGES.includes(path!)) return `no page is at ${path} (chapters are /<folder>/ with the trailing slash)`;
    if (fragment !== undefined) return `a #fragment can only be checked on a page written in content/`;
    return undefined;
  }
  if (fragment === undefined) return undefined;
  const ids = headingIds(read(source));
  return ids.has(fragment) ? undefined : `${source} has no heading with the id "${fragment}"`;
}

/** Whether an exercise's graded tests run on the simulated network. */
function usesSimulation(id: string): boolean {
  const path = join(root, 'sandboxes', id, 'hidden.test.ts');
  if (!existsSync(path)) return false;
  const tests = readFileSync(path, 'utf8');
  return /from\s+['"]@baristas\/sim\/testing['"]/.test(tests) || /\bnew\s+Simulation\s*\(/.test(tests);
}

describe('the fault model', () => {
  it('is stated in chapter 1, under its own h2', () => {
    const lines = read('content/01-storage/index.mdx').split('\n');
    expect(lines, `content/01-storage/index.mdx needs the line "## ${FAULT_MODEL_HEADING}"`).toContain(`## ${FAULT_MODEL_HEADING}`);
  });

  it('gets the id the briefs link to', () => {
    expect(headingIds(read('content/01-storage/index.mdx'))).toContain(FAULT_MODEL_LINK.split('#')[1]);
  });

  it('is linked from the brief of every exercise that runs on the simulated network', () => {
    const simulated = sandboxes.filter(usesSimulation);
    expect(simulated.length, 'no exercise seems to use the simulation: has usesSimulation gone stale?').toBeGreaterThan(0);
    for (const id of simulated) {
      expect(read(`sandboxes/${id}/brief.md`), `sandboxes/${id}/brief.md should link to [the fault model](${FAULT_MODEL_LINK})`).toContain(
        `](${FAULT_MODEL_LINK})`,
      );
    }
  });
});

describe('links between pages in chapters, briefs and hints', () => {
  const files = [
    ...mdxFiles(),
    ...sandboxes.flatMap((id) => ['brief.md', 'hints.md'].filter((f) => existsSync(join(root, 'sandboxes', id, f))).map((f) => `sandboxes/${id}/${f}`)),
  ];
  const links = files.flatMap(siteLinks);

  it('are there, and point at an existing page, and at an existing heading when they have a #fragment', () => {
    expect(links.length, 'the chapters and briefs link to each other, so some links should be found').toBeGreaterThan(0);
    const broken = links.flatMap((link) => {
      const why = brokenBecause(link);
      return why ? [`${link.file}: ${link.target}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });
});

describe('corrections that must stay corrected', () => {
  it('chapter 1 cites Attiya, Bar-Noy and Dolev and Lynch and Shvartsman under Further reading', () => {
    const text = read('content/01-storage/index.mdx');
    const start = text.indexOf('\n## Further reading');
    expect(start, 'chapter 1 has a Further reading section').toBeGreaterThan(-1);
    const reading = text.slice(start + 1).split(/\n## /)[0]!;
    expect(reading).toMatch(/Attiya.*Bar-Noy.*Dolev.*Sharing Memory Robustly in Message-Passing Systems/);
    expect(reading).toMatch(/Lynch.*Shvartsman/);
  });

  it('chapter 1 draws the quorum register’s steps as timelines', () => {
    const text = read('content/01-storage/index.mdx');
    expect(text).toMatch(/^import Timeline from '~\/components\/Timeline\.astro';$/m);
    expect(text.match(/<Timeline\b/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it('chapter 2 no longer says replicas converge on the last writer', () => {
    expect(read('content/02-cap/index.mdx')).not.toMatch(/converge on the last writer/i);
  });
});
