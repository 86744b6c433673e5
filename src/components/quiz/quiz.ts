/**
 * A chapter's check-your-understanding quiz, kept next to the chapter as `quiz.ts` so that
 * the chapter page and the progress page read the same questions.
 */
export interface QuizQuestion {
  /** Plain text; `backticks` mark code. */
  prompt: string;
  /** Two to five choices, plain text with `code` as in the prompt. */
  choices: string[];
  /** Index into `choices` of the right answer. */
  answer: number;
  /** Why the right answer is right (and the tempting wrong one wrong); shown once answered. */
  explanation: string;
}

export interface Quiz {
  /** Unique in the course; answers are stored under it. Use the chapter's folder name. */
  id: string;
  questions: QuizQuestion[];
}

/** Checks a quiz when the site builds, so a broken one fails the build instead of a learner. */
export function defineQuiz(quiz: Quiz): Quiz {
  const where = `quiz "${quiz.id}"`;
  if (!/^[\w-]+$/.test(quiz.id)) throw new Error(`${where}: the id must be letters, digits, - and _`);
  if (quiz.questions.length === 0) throw new Error(`${where} has no questions`);
  quiz.questions.forEach((q, i) => {
    if (q.choices.length < 2 || q.choices.length > 5) throw new Error(`${where}, question ${i + 1}: give 2 to 5 choices`);
    if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) {
      throw new Error(`${where}, question ${i + 1}: answer ${q.answer} is not the index of a choice`);
    }
    if (!q.prompt.trim() || !q.explanation.trim()) throw new Error(`${where}, question ${i + 1}: the prompt and the explanation must not be empty`);
  });
  return quiz;
}

/** Splits quiz text on backticks: odd pieces are code. */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  return text.split('`').map((piece, i) => ({ text: piece, code: i % 2 === 1 }));
}

/** A choice's letter as the page shows it: A, B, C… */
export const choiceLetter = (index: number): string => String.fromCharCode(65 + index);

/**
 * How many of `answers` (choice index per question index) are right. Only the right answers
 * are needed, so the progress page can score a quiz from its answer key alone.
 */
export function score(quiz: { questions: Pick<QuizQuestion, 'answer'>[] }, answers: Record<string, number>): { answered: number; right: number } {
  let answered = 0;
  let right = 0;
  quiz.questions.forEach((q, i) => {
    const chosen = answers[String(i)];
    if (chosen === undefined) return;
    answered++;
    if (chosen === q.answer) right++;
  });
  return { answered, right };
}

/** A score in words, "4 of 6 right", saying how many were answered when not all were. */
export function describeScore(total: number, { answered, right }: { answered: number; right: number }): string {
  return `${right} of ${total} right${answered < total ? ` (${answered} answered)` : ''}`;
}
