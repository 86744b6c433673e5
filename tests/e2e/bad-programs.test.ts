/**
 * The whole bad-program corpus through the real page: pasted into the hash-ring editor and run
 * in the browser worker. Every program gets a verdict, none passes, and the page keeps
 * answering (and the editor keeps taking keystrokes) while a runaway program is graded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newContext, openEditor, pasteIntoEditor, useBuiltSite, watch } from './browser.ts';
import { BAD_PROGRAMS } from '../fixtures/bad-programs.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const site = useBuiltSite({ beforeAll, afterAll });

async function startRun(page: Page, source: string): Promise<void> {
  await pasteIntoEditor(page, EXERCISE, source);
  await page.evaluate((sel) => document.querySelector(sel)?.removeAttribute('data-verdict'), EXERCISE);
  await page.locator(`${EXERCISE} [data-action="run"]`).click();
}

async function verdictOf(page: Page) {
  await page.locator(`${EXERCISE}[data-verdict]`).waitFor({ timeout: 60_000 });
  return {
    verdict: await page.locator(EXERCISE).getAttribute('data-verdict'),
    summary: (await page.locator(`${EXERCISE} [data-role="summary"]`).textContent()) ?? '',
    problem: (await page.locator(`${EXERCISE} [data-role="problem"]`).textContent()) ?? '',
  };
}

describe('the bad-program corpus in Chromium', () => {
  it(`gives each of the ${BAD_PROGRAMS.length} programs a verdict, passes none, and keeps the page responsive`, async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    await openEditor(page, EXERCISE);

    const failures: string[] = [];
    for (const program of BAD_PROGRAMS) {
      await startRun(page, program.source);
      const v = await verdictOf(page);
      if (v.verdict !== 'failed') failures.push(`${program.name}: verdict ${v.verdict}`);
      if (!/tests passed · graded by the browser worker runtime/.test(v.summary)) failures.push(`${program.name}: summary "${v.summary}"`);
    }
    expect(failures).toEqual([]);

    // While a program that loops in every test is being graded, the page answers and the
    // editor takes keystrokes.
    const looping = BAD_PROGRAMS.find((p) => p.name === 'loops forever in nodeFor')!;
    await startRun(page, looping.source);
    const answered = await page.evaluate(() => document.title);
    expect(answered).toMatch(/Storage/);
    await page.locator(`${EXERCISE} .monaco-editor`).click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\n// still typing');
    // Monaco renders spaces as no-break spaces.
    const shown = async () => ((await page.locator(`${EXERCISE} .monaco-editor .view-lines`).textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(shown).toContain('// still typing');
    expect(await page.locator(EXERCISE).getAttribute('data-verdict')).toBeNull();
    const last = await verdictOf(page);
    expect(last.verdict).toBe('failed');

    expect(w.pageErrors).toEqual([]);
    await context.close();
  }, 400_000); // about 80 s here; a dozen programs wait out their time budgets
});
