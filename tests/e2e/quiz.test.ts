/**
 * A chapter's quiz as a learner uses it: pointer or keyboard, feedback in words with the
 * explanation, answers remembered across a reload, scored on the progress page, carried by
 * the progress export into a fresh browser; no axe violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, newContext, useBuiltSite, watch } from './browser.ts';
import storage from '../../content/01-storage/quiz.ts';

const QUIZ = '[data-quiz="01-storage"][data-ready="true"]';
const site = useBuiltSite({ beforeAll, afterAll });
const [first, second] = storage.questions;
const wrongChoice = first!.answer === 0 ? 1 : 0;
const letter = (i: number) => String.fromCharCode(65 + i);

describe('the chapter quiz', () => {
  it('gives feedback, remembers answers, scores them on the progress page and exports them', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    const quiz = page.locator(QUIZ);
    await quiz.waitFor();
    const question = (i: number) => quiz.locator(`[data-question="${i}"]`);

    // Pointer: a wrong answer says so, names the right one and opens the explanation.
    await question(0).locator(`[data-choice="${wrongChoice}"]`).click();
    await expect(question(0).locator('[data-role="feedback"]').textContent()).resolves.toBe(
      `Not quite: you chose ${letter(wrongChoice)}; the answer is ${letter(first!.answer)}.`,
    );
    await expect(question(0).locator('details').getAttribute('open')).resolves.toBe('');
    await expect(question(0).locator('[data-choice][data-state="right"]').getAttribute('data-choice')).resolves.toBe(String(first!.answer));
    await expect(quiz.locator('[data-role="score"]').textContent()).resolves.toBe(`0 of ${storage.questions.length} right (1 answered).`);

    // Keyboard: focus the group's first choice and move with the arrow keys to the right one.
    await question(1).locator('input[type="radio"]').first().focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < second!.answer; i++) await page.keyboard.press('ArrowDown');
    await expect(question(1).locator('[data-role="feedback"]').textContent()).resolves.toBe(`Right: ${letter(second!.answer)}.`);
    await expect(quiz.getAttribute('data-score')).resolves.toBe(`1/${storage.questions.length}`);

    expect(await axeViolations(page, QUIZ)).toEqual([]);

    // Remembered across a reload.
    await page.waitForTimeout(200);
    await page.reload();
    await page.locator(QUIZ).waitFor();
    await expect(question(0).locator(`input[value="${wrongChoice}"]`).isChecked()).resolves.toBe(true);
    await expect(question(1).locator('[data-role="feedback"]').textContent()).resolves.toBe(`Right: ${letter(second!.answer)}.`);

    // Scored on the progress page, and exported.
    const progress = await context.newPage();
    await progress.goto(`${site.server.url}/progress/`);
    await progress.locator('[data-role="progress"][data-ready="true"]').waitFor();
    await expect(progress.locator('[data-quiz-row="01-storage"] [data-role="status"]').textContent()).resolves.toBe(
      `1 of ${storage.questions.length} right (2 answered)`,
    );
    await expect(progress.locator('[data-quiz-row="02-cap"] [data-role="status"]').textContent()).resolves.toBe('Not answered');
    const [download] = await Promise.all([progress.waitForEvent('download'), progress.locator('[data-action="export"]').click()]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(JSON.parse(exported).quizzes).toEqual({ '01-storage': { 0: wrongChoice, 1: second!.answer } });
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await context.close();

    // A fresh browser gets the answers back from the file.
    const fresh = await newContext(site.browser);
    const importer = await fresh.newPage();
    await importer.goto(`${site.server.url}/progress/`);
    await importer.locator('[data-role="progress"][data-ready="true"]').waitFor();
    const file = join(mkdtempSync(join(tmpdir(), 'baristas-quiz-')), 'progress.json');
    writeFileSync(file, exported);
    await importer.locator('[data-action="import"]').setInputFiles(file);
    await expect.poll(() => importer.locator('[data-role="message"]').textContent()).toMatch(/answers to 1 quiz\(zes\)/);
    await importer.goto(`${site.server.url}/01-storage/`);
    await importer.locator(QUIZ).waitFor();
    await expect(importer.locator(`${QUIZ} [data-role="score"]`).textContent()).resolves.toBe(`1 of ${storage.questions.length} right (2 answered).`);

    // Clearing forgets them.
    await importer.locator(`${QUIZ} [data-action="clear"]`).click();
    await expect(importer.locator(`${QUIZ} [data-role="score"]`).textContent()).resolves.toBe('');
    await expect(importer.locator(`${QUIZ} input:checked`).count()).resolves.toBe(0);
    await fresh.close();
  });
});
