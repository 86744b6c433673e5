import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'hash-ring',
  title: 'Consistent hashing',
  chapter: '01-storage',
  exports: ['HashRing'],
  // The reference answers the 100,000-lookup test in ~50 ms; 2 s leaves room for slow
  // machines and O(n) scans, but not for re-sorting the ring on every lookup.
  budgets: { testMs: 2_000, totalMs: 12_000 },
});
