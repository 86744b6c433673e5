/**
 * Builds what the site serves under /grader/: one grader bundle per exercise (and one of its
 * visible examples, when it has them), the
 * WebContainer payload runner, and type declarations for the editor: the sim's
 * (`types.json`) and those of each exercise's provided modules (`types/<id>.json`).
 * Runs before `astro dev` and `astro build`.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SANDBOXES_DIR, bundleExercise, bundlePayloadRunner, hasExamples, listExercises } from '../packages/grader/src/build.ts';
import { readCourseConfig } from '../src/course-config.ts';
import { providedDeclarations, simDeclarations } from './sim-types.ts';

const out = join(REPO_ROOT, 'public', 'grader');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const t0 = performance.now();
const ids = listExercises();
for (const id of ids) writeFileSync(join(out, `${id}.js`), await bundleExercise(id));
// The visible example tests, for the WebContainer terminal's `npm run examples`.
const withExamples = ids.filter((id) => hasExamples(id));
for (const id of withExamples) writeFileSync(join(out, `${id}.examples.js`), await bundleExercise(id, SANDBOXES_DIR, 'examples'));
writeFileSync(join(out, 'run.mjs'), await bundlePayloadRunner());
writeFileSync(join(out, 'types.json'), JSON.stringify(simDeclarations()));
// One per exercise, `{}` when it provides nothing: a missing file would be a 404 in every
// learner's console.
mkdirSync(join(out, 'types'));
for (const id of ids) writeFileSync(join(out, 'types', `${id}.json`), JSON.stringify(providedDeclarations(id)));
// Solutions are published only when the course shows them; a class build leaves them out.
const { solutions } = readCourseConfig(REPO_ROOT);
if (solutions === 'shown') {
  mkdirSync(join(out, 'solutions'));
  for (const id of ids) copyFileSync(join(SANDBOXES_DIR, id, 'solution.ts'), join(out, 'solutions', `${id}.ts.txt`));
}
console.log(
  `grader: ${ids.length} exercise bundle(s), ${withExamples.length} example bundle(s), payload runner, types${solutions === 'shown' ? ' and solutions' : ' (solutions hidden)'} in ${Math.round(performance.now() - t0)} ms`,
);
