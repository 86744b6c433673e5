/**
 * The interactive half of <Quiz>: immediate feedback on each choice, the score, and answers
 * remembered in IndexedDB (see progress/store.ts).
 */
import { readQuizAnswers, saveQuizAnswers, type QuizAnswers } from '../../progress/store.ts';
import { choiceLetter as letter, describeScore, score, type Quiz } from './quiz.ts';

export function mountQuizzes(): void {
  for (const root of document.querySelectorAll<HTMLElement>('[data-quiz]')) {
    if (root.dataset.mounted) continue;
    root.dataset.mounted = 'true';
    void mount(root);
  }
}

async function mount(root: HTMLElement): Promise<void> {
  const quiz = JSON.parse(root.querySelector('[data-role="quiz"]')!.textContent!) as Quiz;
  const questions = [...root.querySelectorAll<HTMLElement>('[data-question]')];
  const scoreText = root.querySelector<HTMLElement>('[data-role="score"]')!;
  const clear = root.querySelector<HTMLButtonElement>('[data-action="clear"]')!;
  let answers: QuizAnswers = await readQuizAnswers(quiz.id);

  const show = (): void => {
    questions.forEach((li, i) => {
      const q = quiz.questions[i]!;
      const chosen = answers[String(i)];
      const feedback = li.querySelector<HTMLElement>('[data-role="feedback"]')!;
      const explanation = li.querySelector<HTMLDetailsElement>('[data-role="explanation"]')!;
      for (const input of li.querySelectorAll<HTMLInputElement>('input[type="radio"]')) input.checked = Number(input.value) === chosen;
      for (const label of li.querySelectorAll<HTMLElement>('[data-choice]')) {
        const c = Number(label.dataset.choice);
        label.dataset.state = chosen === undefined ? '' : c === q.answer ? 'right' : c === chosen ? 'wrong' : '';
      }
      li.dataset.state = chosen === undefined ? 'unanswered' : chosen === q.answer ? 'right' : 'wrong';
      feedback.textContent =
        chosen === undefined ? '' : chosen === q.answer ? `Right: ${letter(q.answer)}.` : `Not quite: you chose ${letter(chosen)}; the answer is ${letter(q.answer)}.`;
      explanation.open = chosen !== undefined;
    });
    const { answered, right } = score(quiz, answers);
    scoreText.textContent = answered === 0 ? '' : `${describeScore(quiz.questions.length, { answered, right })}.`;
    clear.hidden = answered === 0;
    root.dataset.score = `${right}/${quiz.questions.length}`;
  };

  questions.forEach((li, i) => {
    li.addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      answers = { ...answers, [String(i)]: Number(input.value) };
      show();
      void saveQuizAnswers(quiz.id, answers);
    });
  });
  clear.addEventListener('click', () => {
    answers = {};
    show();
    void saveQuizAnswers(quiz.id, answers);
    root.querySelector<HTMLInputElement>('input[type="radio"]')?.focus();
  });
  show();
  // Live only from now on: answers restored from an earlier visit are shown, not announced.
  for (const feedback of root.querySelectorAll('[data-role="feedback"]')) feedback.setAttribute('aria-live', 'polite');
  root.dataset.ready = 'true';
}
