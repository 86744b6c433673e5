/**
 * Drafts: what a learner types is in IndexedDB within a second of the last keystroke, and is
 * back in the editor after the whole browser is closed and started again on the same profile.
 * (A reload is covered in exercise.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistent, serveDist, storedDraft, watch } from './browser.ts';
import type { StaticServer } from './static-server.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const DRAFT_KEY = 'baristas:draft:hash-ring';
const starter = readFileSync('sandboxes/hash-ring/starter.ts', 'utf8');

let server: StaticServer;
let profile: string;
/** The running browser, closed after the test even when it fails midway. */
let browser: BrowserContext | undefined;
beforeAll(async () => {
  server = await serveDist();
  profile = mkdtempSync(join(tmpdir(), 'baristas-e2e-profile-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openChapter(context: BrowserContext): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/01-storage/`);
  return page;
}

describe('drafts', () => {
  it('are saved within a second of the last keystroke and restored after a browser restart', async () => {
    const line = `// typed before a restart ${Date.now()}`;

    browser = await launchPersistent(profile);
    let page = await openChapter(browser);
    const w = watch(page, server.url);
    await page.locator(`${EXERCISE} [data-action="edit"]`).click();
    await page.locator(`${EXERCISE}[data-editor="ready"]`).waitFor({ timeout: 30_000 });
    await expect(storedDraft(page, DRAFT_KEY)).resolves.toBeNull();

    // Real keystrokes at the top of the file: a comment line, which auto-indent leaves alone.
    await page.locator(`${EXERCISE} .monaco-editor`).click();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    const lastKeystroke = Date.now();
    let stored: string | null = null;
    while (Date.now() - lastKeystroke < 5_000) {
      stored = await storedDraft(page, DRAFT_KEY);
      if (stored?.includes(line)) break;
      await page.waitForTimeout(25);
    }
    const savedAfterMs = Date.now() - lastKeystroke;
    expect(stored).toBe(`${line}\n${starter}`);
    expect(savedAfterMs).toBeLessThanOrEqual(1_500);
    expect(w.pageErrors).toEqual([]);

    // A real restart: closing a persistent context ends the browser process.
    await browser.close();
    browser = await launchPersistent(profile);
    page = await openChapter(browser);
    // The draft opens the editor by itself, with the typed text and a word about it.
    await page.locator(`${EXERCISE}[data-editor="ready"]`).waitFor({ timeout: 30_000 });
    const shown = (await page.locator(`${EXERCISE} .view-lines`).textContent())?.replace(/\u00a0/g, ' ');
    expect(shown).toContain(line);
    await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toBe('Your draft was restored.');
    await expect(storedDraft(page, DRAFT_KEY)).resolves.toBe(`${line}\n${starter}`);
    await browser.close();
    browser = undefined;
  });
});
