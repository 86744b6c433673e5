/**
 * Every simulation exercise solved the way a learner does it: in its
 * chapter, the reference solution pasted into the editor, Run, every hidden test passed, and
 * the exercise's section ticked in the contents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { newContext, openEditor, pasteIntoEditor, useBuiltSite, watch } from './browser.ts';

const site = useBuiltSite({ beforeAll, afterAll });

const cases = [
  { id: 'read-your-writes', chapter: '01-storage', section: 'read-replication' },
  { id: 'quorum', chapter: '01-storage', section: 'quorums-and-tunable-consistency' },
  { id: 'cap-modes', chapter: '02-cap', section: 'cp-and-ap-in-practice' },
  { id: 'paxos', chapter: '06-consensus', section: 'paxos' },
  { id: 'zk-lock', chapter: '06-consensus', section: 'zookeeper' },
  { id: 'zk-election', chapter: '06-consensus', section: 'zookeeper' },
];

describe('solving the chapter exercises in the browser', () => {
  it.each(cases)('$id passes with its reference solution in /$chapter/', async ({ id, chapter, section }) => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    const exercise = `[data-exercise="${id}"]`;
    await page.goto(`${site.server.url}/${chapter}/`);
    await openEditor(page, exercise);
    await pasteIntoEditor(page, exercise, readFileSync(`sandboxes/${id}/solution.ts`, 'utf8'));
    await page.locator(`${exercise} [data-action="run"]`).click();
    await page.locator(`${exercise}[data-verdict]`).waitFor({ timeout: 80_000 });
    const failed = await page.locator(`${exercise} li[data-status]:not([data-status="pass"]) .exercise-test-name`).allTextContents();
    expect(failed).toEqual([]);
    await expect(page.locator(`${exercise}`).getAttribute('data-verdict')).resolves.toBe('passed');
    await expect(page.locator(`${exercise} [data-role="summary"]`).textContent()).resolves.toMatch(/^(\d+) of \1 tests passed/);
    await expect(page.locator(`starlight-toc a[href="#${section}"]`).getAttribute('data-passed')).resolves.toBe('true');
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await context.close();
  });
});
