/**
 * The terminal of WebContainer mode. WebContainer cannot boot here, so the page gets a
 * stand-in runtime (tests/e2e/fixtures/webcontainer-stand-in.ts) whose grading is the real
 * payload in local Node and whose shell is a real bash on a pseudo-terminal in the real
 * terminal folder; xterm, the toolbar and the wiring between them are the site's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { axeViolations, newContext, openEditor, pasteIntoEditor, useBuiltSite, watch } from './browser.ts';
import { installWebContainerStandIn } from './fixtures/webcontainer-stand-in.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const site = useBuiltSite({ beforeAll, afterAll });

/** The terminal's screen as text (xterm draws rows of spans; U+00A0 for spaces). */
const screen = (page: Page) => page.locator(`${EXERCISE} .xterm-rows`).innerText().then((t) => t.replace(/\u00a0/g, ' '));

async function waitForScreen(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await screen(page);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

describe('the terminal', () => {
  it('is not offered while the browser worker grades', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/01-storage/`);
    await page.locator(`${EXERCISE}[data-runtime="worker"]`).waitFor();
    await expect(page.locator(`${EXERCISE} [data-action="terminal"]`).isHidden()).resolves.toBe(true);
    await context.close();
  });

  it('runs the hidden tests on the learner’s code with npm run grade, follows each Run, and closes on exit', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    const standIn = await installWebContainerStandIn(page);
    try {
      await page.goto(`${site.server.url}/01-storage/`);
      await page.locator(`${EXERCISE}[data-runtime="webcontainer"]`).waitFor();
      await expect(page.locator(`${EXERCISE} [data-role="runtime"]`).textContent()).resolves.toBe('Runs in: WebContainer (Node)');
      const button = page.locator(`${EXERCISE} [data-action="terminal"]`);
      await button.click();
      await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
      await page.locator(`${EXERCISE} .xterm`).waitFor();
      await waitForScreen(page, /^\$\s*$/m);

      // Typed into xterm (it has focus), run by bash in the folder: the starter fails.
      await page.keyboard.type('npm run grade\n');
      await waitForScreen(page, /hash-ring: \d+\/\d+ tests passed \(webcontainer, \d+ ms\) — NOT YET/);
      expect(readFileSync(`${standIn.folder()}/learner.ts`, 'utf8')).toBe(readFileSync('sandboxes/hash-ring/starter.ts', 'utf8'));

      // A Run grades through the (stand-in) WebContainer and writes the run's code to learner.ts.
      await openEditor(page, EXERCISE);
      await pasteIntoEditor(page, EXERCISE, readFileSync('sandboxes/hash-ring/solution.ts', 'utf8'));
      await page.locator(`${EXERCISE} [data-action="run"]`).click();
      await page.locator(`${EXERCISE}[data-verdict="passed"]`).waitFor({ timeout: 60_000 });
      await expect(page.locator(`${EXERCISE} [data-role="summary"]`).textContent()).resolves.toContain('WebContainer (Node)');
      await page.locator(`${EXERCISE} .xterm-screen`).click();
      await page.keyboard.type('clear; npm run grade\n');
      await waitForScreen(page, /— PASSED/);
      expect(readFileSync(`${standIn.folder()}/learner.ts`, 'utf8')).toBe(readFileSync('sandboxes/hash-ring/solution.ts', 'utf8'));

      // The learner's own Node: the REPL has their exports.
      await page.keyboard.type('clear; npm run repl\n');
      await waitForScreen(page, /^hash-ring>\s*$/m);
      await page.keyboard.type('new HashRing({ vnodes: 1 }).nodeFor("k") ?? "empty ring"\n');
      await waitForScreen(page, /'empty ring'/);
      await page.keyboard.type('.exit\n');
      await waitForScreen(page, /'empty ring'[^]*^\$\s*$/m);

      expect(await axeViolations(page, `${EXERCISE} [data-role="terminal-panel"]`)).toEqual([]);

      // `exit` ends the shell; the panel closes and the button offers a new one.
      await page.keyboard.type('exit\n');
      await page.locator(`${EXERCISE} [data-role="terminal-panel"]`).waitFor({ state: 'hidden' });
      await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toContain('The shell ended');
      expect(w.pageErrors).toEqual([]);
      expect(w.consoleErrors).toEqual([]);
    } finally {
      standIn.close();
      await context.close();
    }
  });
});
