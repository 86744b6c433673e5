/**
 * The learner's progress, kept in this browser's IndexedDB: drafts (one per exercise) and
 * passed exercises. Export and import move all of it as one JSON file. An import is checked
 * whole before anything is written, so a damaged file changes nothing.
 */
import { del, entries, get, set, setMany } from 'idb-keyval';

const DRAFT = 'baristas:draft:';
const PASSED = 'baristas:passed:';
const QUIZ = 'baristas:quiz:';

export const draftKey = (id: string): string => `${DRAFT}${id}`;

/** When an exercise was first passed, and by which runtime. */
export interface PassRecord {
  /** ISO 8601 time of the first passing run. */
  at: string;
  runtime: string;
}

/** A chapter quiz's answers: the chosen choice's index per question index. */
export type QuizAnswers = Record<string, number>;

/** The export file. `format` and `version` let an import refuse what it cannot read. */
export interface ProgressFile {
  format: 'baristas-progress';
  version: 1;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  /** The learner's code per exercise id. */
  drafts: Record<string, string>;
  /** Passed exercises per id. */
  passed: Record<string, PassRecord>;
  /**
   * Quiz answers per quiz id. Optional: files exported before quizzes existed lack it and
   * still import.
   */
  quizzes?: Record<string, QuizAnswers>;
}

/** This browser's answers to one quiz (empty when none). */
export async function readQuizAnswers(id: string): Promise<QuizAnswers> {
  const value: unknown = await get(`${QUIZ}${id}`);
  return isQuizAnswers(value) ? value : {};
}

/** Keeps the learner's latest answer to every question of one quiz. */
export async function saveQuizAnswers(id: string, answers: QuizAnswers): Promise<void> {
  if (Object.keys(answers).length === 0) await del(`${QUIZ}${id}`);
  else await set(`${QUIZ}${id}`, answers);
}

/** Records a pass; the first pass's time is kept. */
export async function markPassed(id: string, runtime: string): Promise<void> {
  if (await get(`${PASSED}${id}`)) return;
  await set(`${PASSED}${id}`, { at: new Date().toISOString(), runtime } satisfies PassRecord);
}

/** Whether `id` has been passed in this browser. */
export async function isPassed(id: string): Promise<boolean> {
  return isPassRecord(await get(`${PASSED}${id}`));
}

/** Every draft and pass in this browser. */
export async function readProgress(): Promise<Required<Pick<ProgressFile, 'drafts' | 'passed' | 'quizzes'>>> {
  const drafts: Record<string, string> = {};
  const passed: Record<string, PassRecord> = {};
  const quizzes: Record<string, QuizAnswers> = {};
  for (const [key, value] of await entries<IDBValidKey, unknown>()) {
    if (typeof key !== 'string') continue;
    if (key.startsWith(DRAFT) && typeof value === 'string') drafts[key.slice(DRAFT.length)] = value;
    if (key.startsWith(PASSED) && isPassRecord(value)) passed[key.slice(PASSED.length)] = value;
    if (key.startsWith(QUIZ) && isQuizAnswers(value)) quizzes[key.slice(QUIZ.length)] = value;
  }
  return { drafts, passed, quizzes };
}

export async function exportProgress(): Promise<ProgressFile> {
  return { format: 'baristas-progress', version: 1, exportedAt: new Date().toISOString(), ...(await readProgress()) };
}

/**
 * Reads an export file's text. Throws an Error whose message says what is wrong, for the
 * learner to read, when the file is not a complete, valid export.
 */
export function parseProgressFile(text: string): ProgressFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('This file is not valid JSON: it may be cut short or not a Baristas export.');
  }
  const bad = (why: string): never => {
    throw new Error(`This is not a Baristas progress export: ${why}.`);
  };
  if (typeof data !== 'object' || data === null) return bad('it is not an object');
  const file = data as Partial<ProgressFile>;
  if (file.format !== 'baristas-progress') bad('its "format" is not "baristas-progress"');
  if (file.version !== 1) bad(`its version is ${JSON.stringify(file.version)}, and this course reads version 1`);
  if (typeof file.exportedAt !== 'string') bad('"exportedAt" is missing');
  if (typeof file.drafts !== 'object' || file.drafts === null || Array.isArray(file.drafts)) bad('"drafts" is not an object');
  for (const [id, draft] of Object.entries(file.drafts!)) if (typeof draft !== 'string') bad(`the draft of "${id}" is not text`);
  if (typeof file.passed !== 'object' || file.passed === null || Array.isArray(file.passed)) bad('"passed" is not an object');
  for (const [id, record] of Object.entries(file.passed!)) if (!isPassRecord(record)) bad(`the pass record of "${id}" is malformed`);
  if (file.quizzes !== undefined) {
    if (typeof file.quizzes !== 'object' || file.quizzes === null || Array.isArray(file.quizzes)) bad('"quizzes" is not an object');
    for (const [id, answers] of Object.entries(file.quizzes!)) if (!isQuizAnswers(answers)) bad(`the answers to quiz "${id}" are malformed`);
  }
  return file as ProgressFile;
}

/** Writes every draft, pass and quiz answer of `file` in one transaction (entries not in the file stay). */
export async function importProgress(file: ProgressFile): Promise<void> {
  await setMany([
    ...Object.entries(file.drafts).map(([id, draft]): [string, string] => [draftKey(id), draft]),
    ...Object.entries(file.passed).map(([id, record]): [string, PassRecord] => [`${PASSED}${id}`, record]),
    ...Object.entries(file.quizzes ?? {}).map(([id, answers]): [string, QuizAnswers] => [`${QUIZ}${id}`, answers]),
  ]);
}

function isQuizAnswers(value: unknown): value is QuizAnswers {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([question, choice]) => /^\d+$/.test(question) && Number.isInteger(choice) && (choice as number) >= 0)
  );
}

function isPassRecord(value: unknown): value is PassRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PassRecord).at === 'string' &&
    !Number.isNaN(Date.parse((value as PassRecord).at)) &&
    typeof (value as PassRecord).runtime === 'string'
  );
}
