import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { bundleExercise } from '@baristas/grader/build';
import { gradeWithBundle } from '@baristas/grader/node';
import { newContext, openEditor as openExerciseEditor, pasteIntoEditor, serveDist, storedDraft, useBuiltSite, watch } from './browser.ts';

const solution = readFileSync('sandboxes/hash-ring/solution.ts', 'utf8');
const starter = readFileSync('sandboxes/hash-ring/starter.ts', 'utf8');
const EXERCISE = '[data-exercise="hash-ring"]';

const site = useBuiltSite({ beforeAll, afterAll });

async function openChapter(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.server.url}/01-storage/`);
  return page;
}

const openEditor = (page: Page) => openExerciseEditor(page, EXERCISE);

const paste = (page: Page, text: string) => pasteIntoEditor(page, EXERCISE, text);

async function verdict(page: Page) {
  await page.locator(`${EXERCISE}[data-verdict]`).waitFor({ timeout: 60_000 });
  const statuses = await page.locator(`${EXERCISE} [data-role="tests"] li`).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.status));
  return {
    passed: (await page.locator(EXERCISE).getAttribute('data-verdict')) === 'passed',
    statuses,
    summary: (await page.locator(`${EXERCISE} [data-role="summary"]`).textContent()) ?? '',
  };
}

async function run(page: Page) {
  await page.evaluate((sel) => document.querySelector(sel)?.removeAttribute('data-verdict'), EXERCISE);
  await page.locator(`${EXERCISE} [data-action="run"]`).click();
  return verdict(page);
}

describe('the hash-ring exercise in the storage chapter', () => {
  it('shows the starter as highlighted code, and grades it with failures named', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await expect(page.locator(`${EXERCISE} [data-role="static"] pre`).textContent()).resolves.toContain('export class HashRing');
    await expect(page.locator(`${EXERCISE} .monaco-editor`).count()).resolves.toBe(0);
    const v = await run(page);
    expect(v.passed).toBe(false);
    expect(v.statuses.length).toBeGreaterThan(20);
    expect(v.statuses.filter((s) => s !== 'pass').length).toBeGreaterThan(0);
    expect(v.summary).toMatch(/^0 of \d+ tests passed · graded by the browser worker runtime/);
    await expect(page.locator(`${EXERCISE} .exercise-message`).first().textContent()).resolves.toMatch(/TODO/);

    // The browser worker and the Node host agree test for test.
    const bundlePath = join(tmpdir(), `baristas-e2e-hash-ring-${process.pid}.js`);
    writeFileSync(bundlePath, await bundleExercise('hash-ring'));
    const node = await gradeWithBundle({ bundlePath, source: starter });
    const shown = await page.locator(`${EXERCISE} [data-role="tests"] li`).evaluateAll((lis) =>
      lis.map((li) => ({
        name: li.querySelector('.exercise-test-name')!.textContent,
        status: (li as HTMLElement).dataset.status,
        message: li.querySelector('.exercise-message')?.textContent,
      })),
    );
    expect(shown).toEqual(node.tests.map((t) => ({ name: t.name, status: t.status, message: t.message })));
    await context.close();
  });

  it('passes every test when the reference solution is pasted into the editor and Run is pressed', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    const w = watch(page, site.server.url);
    await openEditor(page);
    await paste(page, solution);
    const v = await run(page);
    expect(v.statuses.every((s) => s === 'pass')).toBe(true);
    expect(v.passed).toBe(true);
    expect(v.summary).toMatch(/^(\d+) of \1 tests passed · graded by the browser worker runtime/);
    await page.waitForTimeout(1_500); // let TypeScript check the pasted code
    await expect(page.locator(`${EXERCISE} [data-role="diagnostics"]`).isHidden()).resolves.toBe(true);
    await expect(page.locator(`${EXERCISE} .squiggly-error`).count()).resolves.toBe(0);
    expect(w.foreignRequests).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await context.close();
  });

  it('type-checks against the sim package’s own declarations while the learner types', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    await paste(page, solution.replace(/^import .*$/m, "import { hash32 } from '@baristas/sim';\nconst wrong: string = hash32('x');"));
    const diagnostics = page.locator(`${EXERCISE} [data-role="diagnostics"]`);
    await expect(diagnostics.waitFor({ timeout: 15_000 }).then(() => diagnostics.textContent())).resolves.toMatch(
      /TypeScript: 1 problem — line 2: Type 'number' is not assignable to type 'string'/,
    );
    await context.close();
  });

  it('runs with Ctrl+Enter from the editor, and reports a syntax error with its line', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    await paste(page, 'export class HashRing {\n  nodeFor( {\n}\n');
    await page.keyboard.press('ControlOrMeta+Enter');
    const v = await verdict(page);
    expect(v.passed).toBe(false);
    await expect(page.locator(`${EXERCISE} [data-role="problem"]`).textContent()).resolves.toMatch(/Syntax error at line \d+, column \d+/);
    await context.close();
  });

  it('keeps the page responsive while learner code loops forever, then reports the timeout', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    const looping = solution.replace('nodeFor(key: string): string | undefined {', 'nodeFor(key: string): string | undefined {\n    while (key.length >= 0) {}');
    expect(looping).not.toBe(solution);
    await paste(page, looping);
    await page.locator(`${EXERCISE} [data-action="run"]`).click();
    // The main thread answers while the worker spins.
    const t0 = Date.now();
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    expect(Date.now() - t0).toBeLessThan(2_000);
    const v = await verdict(page);
    expect(v.statuses).toContain('timeout');
    await expect(page.locator(`${EXERCISE} li[data-status="timeout"] .exercise-message`).first().textContent()).resolves.toMatch(/did not finish this test in time/);
    await context.close();
  });

  it('cancels a run: the looping worker stops, no verdict is shown, the code stays, and the next run works', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    const looping = solution.replace('nodeFor(key: string): string | undefined {', 'nodeFor(key: string): string | undefined {\n    while (key.length >= 0) {}');
    await paste(page, looping);
    const cancel = page.locator(`${EXERCISE} [data-action="cancel"]`);
    await expect(cancel.isHidden()).resolves.toBe(true);
    await page.locator(`${EXERCISE} [data-action="run"]`).click();
    await cancel.waitFor({ state: 'visible' });
    await expect(page.locator(`${EXERCISE} [data-role="progress"]`).isVisible()).resolves.toBe(true);
    await cancel.click();
    const status = page.locator(`${EXERCISE} [data-role="status"]`);
    await expect.poll(() => status.textContent()).toBe('Run cancelled. Your code is as you left it.');
    await expect(cancel.isHidden()).resolves.toBe(true);
    await expect(page.locator(`${EXERCISE} [data-role="progress"]`).isHidden()).resolves.toBe(true);
    await expect(page.locator(EXERCISE).getAttribute('data-verdict')).resolves.toBeNull();
    await expect(page.locator(`${EXERCISE} [data-action="run"]`).isEnabled()).resolves.toBe(true);
    // The draft is the looping code, exactly as typed.
    await expect.poll(() => storedDraft(page, 'baristas:draft:hash-ring')).toBe(looping);
    await paste(page, solution);
    const v = await run(page);
    expect(v.passed).toBe(true);
    await context.close();
  });

  it('saves the draft, restores it after a reload, and Reset brings back the starter', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    const draft = `// my draft ${Date.now()}\n${solution}`;
    await paste(page, draft);
    await page.waitForTimeout(1_000); // autosave fires within a second of the last keystroke
    await page.reload();
    await page.locator(`${EXERCISE}[data-editor="ready"]`).waitFor({ timeout: 30_000 });
    const restored = (await page.locator(`${EXERCISE} .view-lines`).textContent())?.replace(/\u00a0/g, ' ');
    expect(restored).toContain('my draft');
    await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toMatch(/draft was restored/);
    const v = await run(page);
    expect(v.passed).toBe(true);

    await page.locator(`${EXERCISE} [data-action="reset"]`).click();
    await page.waitForTimeout(300);
    await page.reload();
    await expect(page.locator(`${EXERCISE}[data-editor="ready"]`).count()).resolves.toBe(0);
    const after = await run(page);
    expect(after.passed).toBe(false);
    await context.close();
  });

  it('uses the worker when the page is isolated but WebContainer cannot boot, and says which runtime graded', async () => {
    const isolated = await serveDist({ isolation: true });
    const context = await newContext(site.browser);
    // No internet here: make the boot's requests to StackBlitz fail fast, as they would offline.
    await context.route('**/*', (route) => (route.request().url().startsWith(isolated.url) ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(`${isolated.url}/01-storage/`);
    await expect(page.evaluate(() => crossOriginIsolated)).resolves.toBe(true);
    const v = await run(page);
    expect(v.summary).toMatch(/graded by the browser worker runtime/);
    expect(v.passed).toBe(false);
    // Real Node is only tried once the learner agrees (the default `ask` build).
    await page.locator(`${EXERCISE} [data-action="use-webcontainer"]`).click();
    // The indicator says Node is being tried (or could not start), not that the page cannot host it.
    await expect.poll(() => page.locator(EXERCISE).getAttribute('data-runtime')).toMatch(/^(booting|fallback)$/);
    await expect(page.locator(`${EXERCISE} [data-role="runtime"]`).textContent()).resolves.toMatch(/^Runs in: browser worker/);
    await context.close();
    await isolated.close();
  });
});

describe('the exercise toolbar', () => {
  it('names the runtime, and why WebContainer is off on a page without isolation', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    const indicator = page.locator(`${EXERCISE} [data-role="runtime"]`);
    await expect.poll(() => indicator.textContent()).toBe('Runs in: browser worker');
    await expect(indicator.getAttribute('aria-label')).resolves.toMatch(/WebContainer \(real Node\) is off: the page is not cross-origin isolated/);
    await context.close();
  });

  it('downloads the learner’s file as it is in the editor', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    await openEditor(page);
    const mine = `${starter}\n// my notes\n`;
    await paste(page, mine);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${EXERCISE} [data-action="download"]`).click()]);
    expect(download.suggestedFilename()).toBe('hash-ring.ts');
    const path = await download.path();
    expect(readFileSync(path!, 'utf8')).toBe(mine);
    await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toMatch(/npm run grade -- hash-ring hash-ring\.ts/);
    await context.close();
  });

  it('shows the reference solution only after a confirmation, beside the learner’s untouched code', async () => {
    const context = await newContext(site.browser);
    const page = await openChapter(context);
    const button = page.locator(`${EXERCISE} [data-action="solution"]`);
    const panel = page.locator(`${EXERCISE} [data-role="solution"]`);

    page.once('dialog', (d) => void d.dismiss());
    await button.click();
    await expect(panel.isHidden()).resolves.toBe(true);

    page.once('dialog', (d) => {
      expect(d.message()).toMatch(/Show the reference solution\? Your own code stays as it is/);
      void d.accept();
    });
    await button.click();
    await panel.waitFor({ state: 'visible' });
    await expect(panel.locator('pre').textContent()).resolves.toBe(solution);
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
    // The learner's code is untouched: the starter is still what Run grades.
    const v = await run(page);
    expect(v.passed).toBe(false);
    await button.click();
    await expect(panel.isHidden()).resolves.toBe(true);
    await context.close();
  });
});
