/** An exercise's metadata, declared in `sandboxes/<id>/exercise.ts`. */
export interface ExerciseMeta {
  /** Matches the sandbox folder name; used in URLs, the CLI and stored progress. */
  id: string;
  title: string;
  /** The chapter folder the exercise belongs to, e.g. `01-storage`. */
  chapter: string;
  /** Names the learner's module must export; checked before any test runs. */
  exports: string[];
  /** Time limits enforced by the host, in real (not virtual) milliseconds. */
  budgets?: {
    /** Loading and evaluating the learner's module. Default 3,000. */
    loadMs?: number;
    /** One hidden test. Default 5,000. */
    testMs?: number;
    /**
     * The whole run. When tests time out one after another (a loop in a function every test
     * calls), the run stops here and the remaining tests are reported as not run. Default 20,000.
     */
    totalMs?: number;
  };
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Checks an exercise's metadata and returns it. Throws with a message naming the field, so a
 * mistake in a sandbox fails the build instead of surfacing in a learner's browser.
 */
export function defineExercise(meta: ExerciseMeta): ExerciseMeta {
  const problems: string[] = [];
  if (typeof meta.id !== 'string' || !ID.test(meta.id)) problems.push('id must be kebab-case, e.g. "hash-ring"');
  if (typeof meta.title !== 'string' || meta.title.trim() === '') problems.push('title must be a non-empty string');
  if (typeof meta.chapter !== 'string' || !/^\d\d-[a-z-]+$/.test(meta.chapter)) {
    problems.push('chapter must name a chapter folder, e.g. "01-storage"');
  }
  if (!Array.isArray(meta.exports) || meta.exports.length === 0 || !meta.exports.every((e) => /^[A-Za-z_$][\w$]*$/.test(e))) {
    problems.push('exports must list at least one identifier');
  } else if (meta.exports.includes('newInstance')) {
    problems.push('exports must not include "newInstance": hidden tests import that name from @baristas/learner for a fresh module instance');
  }
  for (const [key, value] of Object.entries(meta.budgets ?? {})) {
    if (!['loadMs', 'testMs', 'totalMs'].includes(key)) problems.push(`budgets.${key} is not a known budget`);
    else if (typeof value !== 'number' || !(value > 0)) problems.push(`budgets.${key} must be a positive number of ms`);
  }
  if (problems.length > 0) throw new Error(`exercise "${String(meta.id)}": ${problems.join('; ')}`);
  return meta;
}

export const DEFAULT_BUDGETS = { loadMs: 3_000, testMs: 5_000, totalMs: 20_000 } as const;
