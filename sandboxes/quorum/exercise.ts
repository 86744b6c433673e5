import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'quorum',
  title: 'Quorum reads and writes',
  chapter: '01-storage',
  exports: ['createReplica', 'createCoordinator'],
  // Each of the five explored tests runs exactly 100 seeds (a count, not a time budget, so
  // every host gives the same verdict), and a failing one up to 300 more runs shrinking its
  // plan (capped at 5 s). With the reference solution the whole run takes about 1 s on the
  // 2-core development machine; 10 s per test leaves room for one several times slower, or
  // for a learner's till that resends far more than it needs to.
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
