import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'zk-election',
  title: 'Leader election on ZooKeeper',
  chapter: '06-consensus',
  exports: ['createCandidate'],
  // Scripted tests run a few seconds of virtual time each and take milliseconds; the explored
  // ones run a fixed number of seeds each (a count, so every host gives the same verdict).
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
