import ts from 'typescript';
import { join } from 'node:path';
import { REPO_ROOT, SANDBOXES_DIR, providedModules } from '../packages/grader/src/build.ts';
import { COMPILER_OPTIONS } from '../src/reference/api-docs.ts';

/**
 * The `.d.ts` files of @baristas/sim, keyed by the path the editor mounts them at
 * (`file:///node_modules/@baristas/sim/…`), so the editor's hovers and errors come from the
 * same TSDoc as the package itself.
 */
export function simDeclarations(): Record<string, string> {
  const root = join(REPO_ROOT, 'packages/sim/src');
  const files = declarations([join(root, 'index.ts')], root, 'file:///node_modules/@baristas/sim');
  files['file:///node_modules/@baristas/sim/package.json'] = JSON.stringify({ name: '@baristas/sim', types: 'index.d.ts' });
  return files;
}

/**
 * The `.d.ts` files of the modules an exercise provides (`provided/<name>.ts`), keyed
 * `file:///exercises/<id>/<name>.d.ts`: the editor keeps the learner's file in that folder, so
 * `import … from './<name>'` finds them. Their `@baristas/sim` imports stay bare and resolve to
 * the sim's declarations. Empty when the exercise provides nothing.
 */
export function providedDeclarations(id: string, sandboxesDir = SANDBOXES_DIR): Record<string, string> {
  const provided = providedModules(id, sandboxesDir);
  if (provided.length === 0) return {};
  const files = declarations(
    provided.map((p) => p.path),
    join(sandboxesDir, id, 'provided'),
    `file:///exercises/${id}`,
  );
  for (const [path, text] of Object.entries(files)) {
    // An inferred type from outside the folder is written as a path the editor cannot follow,
    // and would quietly turn into `any` there; better to fail the build.
    const outside = /(?:from\s+|import\()['"](\.\.\/[^'"]*)['"]/.exec(text);
    if (outside) {
      throw new Error(
        `sandboxes/${id}/provided/${path.slice(path.lastIndexOf('/') + 1, -'.d.ts'.length)}.ts: its declarations refer to ${outside[1]}, ` +
          'outside provided/; import from @baristas/sim or write the type out',
      );
    }
  }
  return files;
}

/** Declarations of the sources under `root` reachable from `entries`, keyed by `mount` plus their path below `root`. */
function declarations(entries: string[], root: string, mount: string): Record<string, string> {
  const files: Record<string, string> = {};
  const program = ts.createProgram(entries, {
    ...COMPILER_OPTIONS,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    rewriteRelativeImportExtensions: true,
  });
  const write: ts.WriteFileCallback = (fileName, text) => {
    const rel = fileName.slice(root.length + 1);
    // `.js` specifiers resolve to the `.d.ts` next to them in any moduleResolution mode.
    files[`${mount}/${rel}`] = text.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
  };
  // Only what lies under `root`: provided modules import the sim, whose declarations the editor already has.
  for (const sourceFile of program.getSourceFiles()) {
    if (!sourceFile.isDeclarationFile && sourceFile.fileName.startsWith(`${root}/`)) program.emit(sourceFile, write);
  }
  return files;
}
