/**
 * Hidden tests import the learner's module as `@baristas/learner`; what it resolves to depends
 * on the run (solution, starter, a mutant, a learner's draft), so the type checker sees it as
 * an untyped module. The exercise checks (solution passes, starter and mutants fail) are what
 * keep hidden tests honest about the contract. Besides the learner's exports it provides
 * `newInstance()`: the learner's module evaluated afresh, one per simulated node.
 */
declare module '@baristas/learner';
