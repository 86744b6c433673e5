import ts from 'typescript';
import { join } from 'node:path';
import { REPO_ROOT } from '../packages/grader/src/build.ts';
import { COMPILER_OPTIONS } from '../src/reference/api-docs.ts';

/**
 * The `.d.ts` files of @baristas/sim, keyed by the path the editor mounts them at
 * (`file:///node_modules/@baristas/sim/…`), so the editor's hovers and errors come from the
 * same TSDoc as the package itself.
 */
export function simDeclarations(): Record<string, string> {
  const root = join(REPO_ROOT, 'packages/sim/src');
  const files: Record<string, string> = {};
  const program = ts.createProgram([join(root, 'index.ts')], {
    ...COMPILER_OPTIONS,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    rewriteRelativeImportExtensions: true,
  });
  program.emit(undefined, (fileName, text) => {
    const rel = fileName.slice(root.length + 1);
    // `.js` specifiers resolve to the `.d.ts` next to them in any moduleResolution mode.
    files[`file:///node_modules/@baristas/sim/${rel}`] = text.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
  });
  files['file:///node_modules/@baristas/sim/package.json'] = JSON.stringify({ name: '@baristas/sim', types: 'index.d.ts' });
  return files;
}
