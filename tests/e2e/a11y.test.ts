/**
 * Accessibility, checked by axe-core in Chromium: chapter pages with an open editor and a
 * verdict (and, for CAP, a running diagram and an answered quiz), the progress page and the
 * API reference have no violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, newContext, openEditor, useBuiltSite } from './browser.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const site = useBuiltSite({ beforeAll, afterAll });

describe('accessibility', () => {
  it('has no axe violations on a chapter page with the editor open and a verdict shown', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/01-storage/`);
    await openEditor(page, EXERCISE);
    await page.locator(`${EXERCISE} [data-action="run"]`).click();
    await page.locator(`${EXERCISE}[data-verdict]`).waitFor({ timeout: 60_000 });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('has no axe violations on the CAP chapter with its diagram running, its exercise graded and its quiz answered', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/02-cap/`);
    const figure = page.locator('[data-diagram="partition"]');
    await figure.scrollIntoViewIfNeeded();
    await page.locator('[data-diagram="partition"][data-state="ready"]').waitFor();
    await figure.getByRole('button', { name: /cut the phone line/i }).click();
    const capModes = '[data-exercise="cap-modes"]';
    await openEditor(page, capModes);
    await page.locator(`${capModes} [data-action="run"]`).click();
    await page.locator(`${capModes}[data-verdict]`).waitFor({ timeout: 60_000 });
    await page.locator('[data-quiz="02-cap"][data-ready="true"] [data-question="0"] [data-choice="0"]').click();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it.each(['progress', 'reference/sim'])('has no axe violations on /%s', async (path) => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/${path}/`, { waitUntil: 'networkidle' });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  // The check itself can fail: a button with no name on the same page is caught.
  it('catches a violation planted on the page', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/progress/`, { waitUntil: 'networkidle' });
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('button')));
    expect((await axeViolations(page)).some((v) => v.startsWith('button-name'))).toBe(true);
    await context.close();
  });
});
