/**
 * npm run new -- <id> --chapter <NN-name> [--title "…"]
 *
 * Scaffolds sandboxes/<id>/ with every file an exercise needs, each saying what to write in it,
 * and prints the line that shows the exercise in its chapter. Refuses an id that exists or is
 * not kebab-case, and a chapter that is not a folder of content/. The new exercise fails the
 * exercise gate until its solution, alternatives and mutants are written: that is the point.
 * (`--sandboxes <dir>` writes elsewhere; the scaffold's own test uses it.)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { MINIMUMS, SANDBOXES_DIR, listChapters } from '@baristas/grader/build';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { chapter: { type: 'string' }, title: { type: 'string' }, sandboxes: { type: 'string' } },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};
const [id] = positionals;
const chapters = listChapters();
if (!id || !values.chapter) fail(`usage: npm run new -- <id> --chapter <${chapters.join(' | ')}> [--title "…"]`);
if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id!)) fail(`an exercise id is kebab-case, e.g. quorum-store (got "${id}")`);
if (!chapters.includes(values.chapter!)) fail(`no chapter "${values.chapter}"; the chapters are ${chapters.join(', ')}`);
const sandboxes = values.sandboxes ?? SANDBOXES_DIR;
const dir = join(sandboxes, id!);
if (existsSync(dir)) fail(`${relative(process.cwd(), dir)} exists already: pick another id`);
const title = values.title ?? id!.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

const starter = `import type { Handlers, Node } from '@baristas/sim';

/**
 * TODO(author): the contract, in the learner's terms. Say what each handler receives and what
 * it must answer; the hidden tests may rely on nothing that is not written here or in the brief.
 */
export function createNode(node: Node): Handlers {
  return {
    onRequest(request, reply) {
      throw new Error('TODO: answer the request (see the brief)');
    },
    onMessage(from, body) {
      throw new Error('TODO: handle a message from another node');
    },
  };
}
`;

const files: Record<string, string> = {
  'exercise.ts': `import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: ${JSON.stringify(id)},
  title: ${JSON.stringify(title)},
  chapter: ${JSON.stringify(values.chapter)},
  exports: ['createNode'],
  // TODO(author): measure the solution's run (npm run check -- ${id}) and leave room for a machine several times slower.
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
`,
  'brief.md': `# ${title}

TODO(author): what the learner builds, in the course's story, and the contract the hidden tests
hold it to: every message and answer shape, every guarantee, the faults the tests inject (link
the fault model: [the fault model](../01-storage/#what-the-network-and-the-machines-can-do-to-you)).
`,
  'hints.md': `TODO(author): hints, from a nudge to nearly the answer. Shown folded under the brief.
`,
  'starter.ts': starter,
  'solution.ts': starter.replace(
    "throw new Error('TODO: answer the request (see the brief)');",
    `throw new Error('TODO(author): the reference solution. npm run check -- ${id} fails until it passes.');`,
  ),
  'hidden.test.ts': `import { describe, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import { assertExploration, explore, runWorkload, type Scenario } from '@baristas/sim/testing';

const NODES = ['n1', 'n2', 'n3'];
/** Seeds explored per test: a count, not a time budget, so every host gives the same verdict. */
const RUNS = 100;

// TODO(author): workloads as adversarial as learners: repeated values, several operations in
// flight through one node, restarts with messages still in flight, a crash in every phase.
const scenario: Scenario = {
  name: ${JSON.stringify(`${id}-basic`)},
  faults: { nodes: NODES, durationMs: 500, dropProbabilityMax: 0.1, crashesMax: 1, restart: 'always' },
  run(sim, context) {
    for (const id of NODES) sim.addNode(id, (node) => newInstance().createNode(node));
    runWorkload(sim, context, { clients: ['c1', 'c2'], nodes: NODES, opsPerClient: 5, input: (_client, i) => ({ op: 'TODO', i }) });
    sim.run({ untilMs: 5_000 });
    // TODO(author): judge the run with a checker from @baristas/sim/testing and return its result.
    return { outcome: 'violated', property: 'todo', message: 'TODO(author): this scenario does not judge anything yet' };
  },
};

describe(${JSON.stringify(title)}, () => {
  it('TODO(author): a sentence a learner understands, naming the property', () => {
    assertExploration(explore(scenario, { runsMin: RUNS, runsMax: RUNS }), 'TODO(author): what to look at when this fails');
  });
});
`,
  'alternatives/.gitkeep': '',
  'mutants/.gitkeep': '',
};

mkdirSync(join(dir, 'alternatives'), { recursive: true });
mkdirSync(join(dir, 'mutants'), { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

const shown = relative(process.cwd(), dir);
console.log(`Created ${shown}/ (${Object.keys(files).filter((f) => !f.endsWith('.gitkeep')).join(', ')}).

Show it in content/${values.chapter}/index.mdx:

  <Exercise id="${id}" />

Then, with the authoring guide (/authoring/ on the site, or sandboxes/README.md):
  1. write brief.md and starter.ts (the contract), then solution.ts and hidden.test.ts;
  2. add at least ${MINIMUMS.alternatives} correct alternatives/*.ts, written from the brief in other styles;
  3. add at least ${MINIMUMS.mutants} mutants: npm run mutant -- ${id} <name>, break one thing, then --save;
  4. npm run check -- ${id} until every row is right.`);
