import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'read-your-writes',
  title: 'Read your own writes',
  chapter: '01-storage',
  exports: ['createSession'],
  // Each of the five explored tests runs at least 20 and at most 400 seeds (the explorer
  // stops after 1 s once past 20), and a failing one up to 300 more runs shrinking its plan
  // (capped at 5 s). Here each takes 0.3–0.7 s and the whole run ~2.5 s with the reference
  // solution; 10 s per test leaves room for a machine several times slower.
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
