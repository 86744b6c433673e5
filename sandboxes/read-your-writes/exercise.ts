import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'read-your-writes',
  title: 'Read your own writes',
  chapter: '01-storage',
  exports: ['createSession'],
  // Each of the nine explored tests runs exactly 400 seeds (a count, not a time budget, so
  // every host gives the same verdict), and a failing one up to 300 more runs shrinking its
  // plan (capped at 5 s). With the reference solution the whole run takes about 4–5 s here
  // (the slowest test under 1 s); 10 s per test leaves room for a machine several times slower.
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
