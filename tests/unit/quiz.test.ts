import { describe, expect, it } from 'vitest';
import { choiceLetter, codeSpans, defineQuiz, describeScore, score, type QuizQuestion } from '../../src/components/quiz/quiz.ts';

const chapters = import.meta.glob<{ default: ReturnType<typeof defineQuiz> }>('../../content/*/quiz.ts', { eager: true });
const q = (answer: number, choices = ['a', 'b', 'c']): QuizQuestion => ({ prompt: 'p?', choices, answer, explanation: 'because' });

describe('defineQuiz', () => {
  it('refuses an answer that is not the index of a choice', () => {
    expect(() => defineQuiz({ id: 'x', questions: [q(3)] })).toThrow(/question 1: answer 3 is not the index of a choice/);
    expect(() => defineQuiz({ id: 'x', questions: [q(0), q(1.5)] })).toThrow(/question 2/);
  });

  it('refuses too few or too many choices, an empty quiz and an odd id', () => {
    expect(() => defineQuiz({ id: 'x', questions: [q(0, ['only'])] })).toThrow(/2 to 5 choices/);
    expect(() => defineQuiz({ id: 'x', questions: [q(0, ['a', 'b', 'c', 'd', 'e', 'f'])] })).toThrow(/2 to 5 choices/);
    expect(() => defineQuiz({ id: 'x', questions: [] })).toThrow(/no questions/);
    expect(() => defineQuiz({ id: 'a b', questions: [q(0)] })).toThrow(/id/);
  });
});

describe('score', () => {
  it('counts answered and right questions, ignoring answers to questions that do not exist', () => {
    const quiz = defineQuiz({ id: 'x', questions: [q(0), q(1), q(2)] });
    expect(score(quiz, {})).toEqual({ answered: 0, right: 0 });
    expect(score(quiz, { 0: 0, 1: 2 })).toEqual({ answered: 2, right: 1 });
    expect(score(quiz, { 0: 0, 1: 1, 2: 2, 7: 0 })).toEqual({ answered: 3, right: 3 });
  });
});

describe('describeScore and choiceLetter', () => {
  it('say how many were right, and how many answered only when not all were', () => {
    expect(describeScore(6, { answered: 6, right: 4 })).toBe('4 of 6 right');
    expect(describeScore(6, { answered: 2, right: 1 })).toBe('1 of 6 right (2 answered)');
    expect([0, 1, 4].map(choiceLetter)).toEqual(['A', 'B', 'E']);
  });
});

describe('codeSpans', () => {
  it('marks the text between backticks as code', () => {
    expect(codeSpans('use `hash(key) mod n` here')).toEqual([
      { text: 'use ', code: false },
      { text: 'hash(key) mod n', code: true },
      { text: ' here', code: false },
    ]);
  });
});

describe('the chapters’ quizzes', () => {
  it('exist for storage, CAP and consensus, 4 to 8 questions each, ids matching their chapter', () => {
    const found = Object.entries(chapters).map(([path, m]) => [path.split('/').at(-2), m.default.id, m.default.questions.length] as const);
    expect(found.map(([chapter]) => chapter)).toEqual(expect.arrayContaining(['01-storage', '02-cap', '06-consensus']));
    for (const [chapter, id, n] of found) {
      expect(id).toBe(chapter);
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(8);
    }
  });

  it('do not always put the right answer in the same place', () => {
    for (const m of Object.values(chapters)) expect(new Set(m.default.questions.map((x) => x.answer)).size).toBeGreaterThan(1);
  });
});
