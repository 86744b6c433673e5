/**
 * Progress: a passed exercise is ticked in the chapter's table of contents and on the progress
 * page, and all progress exports to one JSON file that imports back exactly; a damaged file is
 * refused with a message and overwrites nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, openEditor, pasteIntoEditor, useBuiltSite, watch } from './browser.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const solution = readFileSync('sandboxes/hash-ring/solution.ts', 'utf8');
const site = useBuiltSite({ beforeAll, afterAll });

async function progressPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.server.url}/progress/`);
  await page.locator('[data-role="progress"][data-ready="true"]').waitFor();
  return page;
}

const statusOf = (page: Page, id: string) => page.locator(`[data-exercise-row="${id}"]`).getAttribute('data-status');

async function exportFile(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export"]').click()]);
  expect(download.suggestedFilename()).toMatch(/^baristas-progress-\d{4}-\d\d-\d\d\.json$/);
  return readFileSync((await download.path())!, 'utf8');
}

async function importText(page: Page, text: string, name = 'progress.json'): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'baristas-progress-')), name);
  writeFileSync(file, text);
  await page.locator('[data-action="import"]').setInputFiles(file);
  await expect.poll(() => page.locator('[data-role="message"]').textContent()).not.toBe('');
  return (await page.locator('[data-role="message"]').textContent())!;
}

describe('progress', () => {
  it('ticks a passed exercise, exports everything, and imports it into a fresh browser exactly', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    const tocLink = page.locator('starlight-toc a[href="#consistent-hashing"]');
    await expect(tocLink.getAttribute('data-passed')).resolves.toBeNull();

    const before = await progressPage(context);
    await expect(statusOf(before, 'hash-ring')).resolves.toBe('not-started');
    await before.close();

    await openEditor(page, EXERCISE);
    await pasteIntoEditor(page, EXERCISE, solution);
    await page.locator(`${EXERCISE} [data-action="run"]`).click();
    await page.locator(`${EXERCISE}[data-verdict="passed"]`).waitFor({ timeout: 60_000 });
    await expect(tocLink.getAttribute('data-passed')).resolves.toBe('true');
    await expect(tocLink.textContent()).resolves.toMatch(/Consistent hashing\s*✓/);
    await page.waitForTimeout(600); // past the draft's save delay
    // The tick survives a reload.
    await page.reload();
    await expect.poll(() => tocLink.getAttribute('data-passed')).toBe('true');

    const progress = await progressPage(context);
    await expect(statusOf(progress, 'hash-ring')).resolves.toBe('passed');
    await expect(progress.locator('[data-role="summary"]').textContent()).resolves.toMatch(/^1 of \d+ exercises? passed\.$/);
    const exported = await exportFile(progress);
    const file = JSON.parse(exported);
    expect(file).toMatchObject({ format: 'baristas-progress', version: 1, drafts: { 'hash-ring': solution } });
    expect(file.passed['hash-ring']).toMatchObject({ runtime: 'worker' });
    expect(w.pageErrors).toEqual([]);
    await context.close();

    // A fresh browser profile: nothing, then everything after the import.
    const fresh = await newContext(site.browser);
    const empty = await progressPage(fresh);
    await expect(statusOf(empty, 'hash-ring')).resolves.toBe('not-started');
    await expect(importText(empty, exported)).resolves.toMatch(/^Imported 1 draft\(s\), 1 passed exercise\(s\) and answers to 0 quiz\(zes\)/);
    await expect(statusOf(empty, 'hash-ring')).resolves.toBe('passed');
    const again = JSON.parse(await exportFile(empty));
    expect({ ...again, exportedAt: undefined }).toEqual({ ...file, exportedAt: undefined });
    // The draft is back in the chapter.
    const chapter = await fresh.newPage();
    await chapter.goto(`${site.server.url}/01-storage/`);
    await chapter.locator(`${EXERCISE}[data-editor="ready"]`).waitFor();
    await expect(chapter.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toBe('Your draft was restored.');
    await fresh.close();
  });

  it('refuses a damaged file with a message and overwrites nothing', async () => {
    const context = await newContext(site.browser);
    const page = await progressPage(context);
    const good = {
      format: 'baristas-progress',
      version: 1,
      exportedAt: new Date().toISOString(),
      drafts: { 'hash-ring': '// mine' },
      passed: {},
    };
    await expect(importText(page, JSON.stringify(good))).resolves.toMatch(/^Imported 1 draft/);
    const kept = await exportFile(page);

    const damaged: Record<string, string> = {
      'cut short': JSON.stringify(good).slice(0, 40),
      'another format': JSON.stringify({ ...good, format: 'something-else', drafts: { 'hash-ring': '// theirs' } }),
      'a newer version': JSON.stringify({ ...good, version: 2, drafts: { 'hash-ring': '// theirs' } }),
      'a draft that is not text': JSON.stringify({ ...good, drafts: { 'hash-ring': 42 } }),
      'a bad pass record': JSON.stringify({ ...good, drafts: { 'hash-ring': '// theirs' }, passed: { 'hash-ring': { at: 'yesterday' } } }),
      'a quiz answer that is not a choice': JSON.stringify({ ...good, drafts: { 'hash-ring': '// theirs' }, quizzes: { '01-storage': { 0: 'B' } } }),
    };
    for (const [what, text] of Object.entries(damaged)) {
      const message = await importText(page, text, `${what.replace(/\W/g, '-')}.json`);
      expect(message, what).toMatch(/^Nothing was imported\. /);
      await expect(page.locator('[data-role="message"]').getAttribute('data-kind')).resolves.toBe('error');
      await page.evaluate(() => (document.querySelector('[data-role="message"]')!.textContent = ''));
    }
    const after = JSON.parse(await exportFile(page));
    expect({ ...after, exportedAt: undefined }).toEqual({ ...JSON.parse(kept), exportedAt: undefined });
    await context.close();
  });
});
