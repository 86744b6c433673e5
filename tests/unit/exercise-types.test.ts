/**
 * Every exercise's learner-side files (starter, solution, alternatives, mutants) type-check the way the
 * learner's editor checks them: the sim's declarations plus the exercise's provided modules,
 * mounted beside the learner's file. A starter that shows red squiggles before the learner
 * typed anything, or a solution that only works untyped, fails here. (The repository's own
 * `tsc` run leaves these files out: their `./<provided>` imports only resolve in this setup.)
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { learnerFiles, listExercises } from '@baristas/grader/build';
import { providedDeclarations, simDeclarations } from '../../scripts/sim-types.ts';
import { editorLikeService } from '../fixtures/editor-service.ts';

const sim = simDeclarations();

describe.each(listExercises())('%s, as the editor types it', (id) => {
  const provided = providedDeclarations(id);
  it.each(learnerFiles(id).map((f) => [f.path, f] as const))('%s has no type errors', (_path, file) => {
    const path = `file:///exercises/${id}/${id}.ts`;
    const service = editorLikeService({ ...sim, ...provided, [path]: file.source() });
    const problems = [...service.getSyntacticDiagnostics(path), ...service.getSemanticDiagnostics(path)].map(
      (d) => `line ${ts.getLineAndCharacterOfPosition(d.file!, d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
    expect(problems).toEqual([]);
  });
});
