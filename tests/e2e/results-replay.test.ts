/**
 * A simulation exercise in its chapter, as a learner meets it: while the hidden tests explore
 * seeds a progress bar moves; a failed simulation test shows its replay string and a Replay
 * button; Replay reruns that one run and opens the trace viewer in a dialog, on the violation;
 * the page passes axe with the editor and the viewer open; Escape closes the viewer and gives
 * focus back to the button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnerFile } from '@baristas/grader/build';
import { axeViolations, newContext, openEditor, pasteIntoEditor, useBuiltSite, watch } from './browser.ts';

const ID = 'read-your-writes';
const EXERCISE = `[data-exercise="${ID}"]`;
// Reads any follower without checking that it has caught up with the session's own write.
const mutant = learnerFile(ID, 'mutants/no-index-check').source();
const site = useBuiltSite({ beforeAll, afterAll });

describe('results of a simulation exercise', () => {
  it('shows progress while exploring, then replays a failed run into the trace viewer', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    await openEditor(page, EXERCISE);
    await pasteIntoEditor(page, EXERCISE, mutant);
    await page.locator(`${EXERCISE} [data-action="run"]`).click();

    // Exploration reports how many simulated runs it has done, and the bar moves.
    await page.waitForFunction(
      (sel) => {
        const text = document.querySelector(`${sel} [data-role="progress-text"]`)?.textContent ?? '';
        const bar = document.querySelector<HTMLProgressElement>(`${sel} [data-role="progress-bar"]`);
        return /\d+ simulated runs of “[\w-]+” so far/.test(text) && bar !== null && bar.value > 0;
      },
      EXERCISE,
      { polling: 'raf', timeout: 60_000 },
    );
    await page.locator(`${EXERCISE}[data-verdict="failed"]`).waitFor({ timeout: 120_000 });
    await expect(page.locator(`${EXERCISE} [data-role="progress"]`).isHidden()).resolves.toBe(true);

    const failed = page.locator(`${EXERCISE} li[data-status="fail"]`).filter({ has: page.locator('[data-action="replay"]') }).first();
    const replay = (await failed.locator('.exercise-replay code').textContent())!;
    expect(replay).toMatch(/^[\w-]+\/\d+\/\S+$/);
    await expect(failed.locator('.exercise-message').textContent()).resolves.toContain(`Replay: ${replay}`);

    await failed.locator('[data-action="replay"]').click();
    const dialog = page.locator('dialog.trace-dialog[open]');
    await dialog.waitFor({ timeout: 60_000 });
    await expect(dialog.locator('[data-role="replay"]').textContent()).resolves.toBe(replay);
    await expect(dialog.locator('[data-role="violation"]').textContent()).resolves.toMatch(/^Broken: /);
    await expect(dialog.locator('[data-role="details"]').textContent()).resolves.toContain('part of the violation');
    expect(await dialog.locator('.trace-lane-label').count()).toBeGreaterThan(2);
    // Focus starts on the diagram, where the arrow keys step.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-role'))).resolves.toBe('scroll');

    expect(await axeViolations(page)).toEqual([]);

    await page.keyboard.press('Escape');
    await expect(page.locator('dialog.trace-dialog').count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-action'))).resolves.toBe('replay');
    expect(w.pageErrors).toEqual([]);
    await context.close();
  });
});
