import { defineConfig } from 'vitest/config';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

// Every sandbox's hidden tests run directly under vitest against the reference solution,
// proving they are ordinary vitest files. LEARNER=<file> points them at another
// implementation (a mutant, a starter) when working on an exercise by hand.
const sandboxes = readdirSync('sandboxes').filter((d) => existsSync(`sandboxes/${d}/hidden.test.ts`));

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
      ...sandboxes.map((id) => ({
        resolve: {
          alias: {
            '@baristas/learner': resolve(process.env.LEARNER ?? `sandboxes/${id}/solution.ts`),
          },
        },
        test: { name: `sandbox:${id}`, include: [`sandboxes/${id}/hidden.test.ts`] },
      })),
    ],
  },
});
