import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'cap-modes',
  title: 'Refuse or serve: CP and AP',
  chapter: '02-cap',
  exports: ['createReplica'],
  // Fifteen tests script a second or two of virtual time each and take milliseconds. The five
  // explored tests run exactly 150 seeds each (a count, not a time budget, so every host gives
  // the same verdict), and a failing one up to 300 more runs shrinking its plan (capped at
  // 5 s). With the reference solution the whole run takes about 1.1 s here; 10 s per test
  // leaves room for a machine several times slower.
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
