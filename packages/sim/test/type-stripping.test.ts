/**
 * The repository's scripts (`npm run bench`, `check`, `grade`, `mutant`) run TypeScript with
 * Node's own type stripping, which refuses syntax that needs compiling (parameter properties,
 * enums, namespaces). Loading every entry that way catches it here rather than in a script.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = (name: string) => fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));

describe('the package under Node type stripping', () => {
  it.each(['index', 'testing', 'host'])('loads the %s entry', (name) => {
    const out = execFileSync(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', `const m = await import(${JSON.stringify(entry(name))}); console.log(Object.keys(m).length);`],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
    );
    expect(Number(out.trim())).toBeGreaterThan(0);
  });
});
