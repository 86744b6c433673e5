import type { ExerciseMeta } from '@baristas/grader';

type MarkdownModule = { Content: (props: Record<string, unknown>) => unknown };

// Read at build time: every sandbox's metadata, starter and brief, keyed by folder.
const metas = import.meta.glob<{ default: ExerciseMeta }>('/sandboxes/*/exercise.ts', { eager: true });
const starters = import.meta.glob<string>('/sandboxes/*/starter.ts', { eager: true, query: '?raw', import: 'default' });
const briefs = import.meta.glob<MarkdownModule>('/sandboxes/*/brief.md', { eager: true });
const hints = import.meta.glob<MarkdownModule>('/sandboxes/*/hints.md', { eager: true });
// Only which exercises have visible examples (the terminal offers `npm run examples`). As raw
// text and never loaded: a module glob would have Vite compile test files for the site.
// The chapter folders, to check each exercise's `chapter` (a typo would link the progress page to a 404).
const chapters = Object.keys(import.meta.glob('/content/*/index.mdx', { query: '?raw' })).map((path) => path.split('/')[2]!);
const examples = new Set(Object.keys(import.meta.glob('/sandboxes/*/examples.test.ts', { query: '?raw' })).map((path) => path.split('/')[2]));

/** Everything the page shows of one exercise; throws at build time for an unknown id. */
export function exerciseSources(id: string) {
  const dir = `/sandboxes/${id}`;
  const meta = metas[`${dir}/exercise.ts`]?.default;
  const starter = starters[`${dir}/starter.ts`];
  const brief = briefs[`${dir}/brief.md`];
  if (!meta || starter === undefined || !brief) {
    throw new Error(`<Exercise id="${id}">: sandboxes/${id} needs exercise.ts, starter.ts and brief.md`);
  }
  if (!chapters.includes(meta.chapter)) {
    throw new Error(`sandboxes/${id}/exercise.ts: chapter "${meta.chapter}" is not a chapter folder; the chapters are ${chapters.sort().join(', ')}`);
  }
  return { meta, starter, Brief: brief.Content, Hints: hints[`${dir}/hints.md`]?.Content, hasExamples: examples.has(id) };
}
