import { defineExercise } from '@baristas/grader';

export default defineExercise({
  id: 'hash-ring',
  title: 'Consistent hashing',
  chapter: '01-storage',
  exports: ['HashRing'],
});
