import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'paxos',
  title: 'Single-decree Paxos',
  chapter: '06-consensus',
  exports: ['createAcceptor', 'createProposer', 'createLearner'],
  // Scripted tests run a second of virtual time each and take milliseconds; the explored ones
  // run a fixed number of seeds each (a count, so every host gives the same verdict).
  budgets: { testMs: 10_000, totalMs: 60_000 },
});
