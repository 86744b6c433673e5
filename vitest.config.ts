import { defineConfig, type Plugin } from 'vitest/config';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { providedModules, type ProvidedModule } from './packages/grader/src/build.ts';

// Every sandbox's hidden tests run directly under vitest against the reference solution,
// proving they are ordinary vitest files. LEARNER=<file> points them at another
// implementation (a mutant, a starter) when working on an exercise by hand.
const sandboxes = readdirSync('sandboxes').filter((d) => existsSync(`sandboxes/${d}/hidden.test.ts`));
const metas = await Promise.all(
  sandboxes.map(async (id) => {
    const module = (await import(pathToFileURL(resolve('sandboxes', id, 'exercise.ts')).href)) as { default: { exports: string[] } };
    return module.default;
  }),
);

/**
 * `@baristas/learner` for one sandbox, built the way the grader builds it: the learner's file
 * compiled by the grader's own loader, its exports as named exports, and `newInstance()` for a
 * fresh module instance per simulated node. So vitest and the grader see the same module.
 */
function learnerModule(file: string, exports: string[], provided: ProvidedModule[]): Plugin {
  const virtual = '\0baristas-learner';
  return {
    name: 'baristas-learner',
    enforce: 'pre',
    resolveId: (source) => (source === '@baristas/learner' ? virtual : undefined),
    load(id) {
      if (id !== virtual) return undefined;
      // By absolute path, which is what the hidden tests' relative imports resolve to: one
      // module in vitest's graph, so learner and tests share the provided classes.
      const modules = [`'@baristas/sim': sim`, ...provided.flatMap((p, i) => p.specifiers.map((s) => `${JSON.stringify(s)}: p${i}`))];
      return [
        "import { readFileSync } from 'node:fs';",
        "import * as sim from '@baristas/sim';",
        ...provided.map((p, i) => `import * as p${i} from ${JSON.stringify(p.path)};`),
        `import { compileLearner } from ${JSON.stringify(resolve('packages/grader/src/internal/learner.ts'))};`,
        `const factory = compileLearner(readFileSync(${JSON.stringify(file)}, 'utf8'), { ${modules.join(', ')} });`,
        'const module = factory();',
        ...exports.map((name) => `export const ${name} = module.${name};`),
        'export function newInstance() { return factory(); }',
      ].join('\n');
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          exclude: ['**/fixtures/**', '**/node_modules/**'],
        },
      },
      ...sandboxes.map((id, i) => ({
        plugins: [
          learnerModule(resolve(process.env.LEARNER ?? `sandboxes/${id}/solution.ts`), metas[i]!.exports, providedModules(id, resolve('sandboxes'))),
        ],
        test: { name: `sandbox:${id}`, include: [`sandboxes/${id}/hidden.test.ts`, `sandboxes/${id}/examples.test.ts`] },
      })),
    ],
  },
});
