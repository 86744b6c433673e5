/**
 * What a learner gets from the typed editor, in real Monaco in Chromium, in the first editor
 * opened on a fresh page and in a second one: hover docs, completions, parameter hints and
 * Find, drawn above the page's chrome, with nothing logged as an error.
 */
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { newContext, openEditor, useBuiltSite, watch } from './browser.ts';
import { docPlainText, extractApi } from '../../src/reference/api-docs.ts';

const site = useBuiltSite({ beforeAll, afterAll });

const RING = '[data-exercise="hash-ring"]';
const QUORUM = '[data-exercise="quorum"]';

// The hover must show hash32's own TSDoc, read from the same source the editor's types come from.
const hash32Doc = docPlainText(extractApi('packages/sim/src/index.ts').exports.find((e) => e.name === 'hash32')!.doc.summary);
const firstWords = hash32Doc.split(/\s+/).slice(0, 4).join(' ');

/** Hovers the first `hash32` in the hash-ring editor, placed just under the site header. */
async function hoverHash32(page: Page): Promise<void> {
  const token = page.locator(`${RING} .view-line span`, { hasText: /^\s*hash32\s*$/ }).first();
  // Line 1 right under the header: a popup drawn above it would overlap the header.
  const headerBottom = await page.locator('header.header').evaluate((h) => h.getBoundingClientRect().bottom);
  await token.evaluate((el, top) => window.scrollBy(0, el.getBoundingClientRect().top - top - 8), headerBottom);
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: firstWords });
  // A hover that arrives while the TypeScript worker is still busy can be dropped (one CI run in
  // several on a loaded machine); a learner moves the mouse again, and so does this, up to 20 s.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(0, 0);
    await token.hover();
    try {
      await hover.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
  // Drawn on top: the point at the hover's centre belongs to the hover, not to the header or contents.
  const onTop = await hover.first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 12));
    return hit !== null && el.contains(hit);
  });
  expect(onTop, 'the hover is covered by something else on the page').toBe(true);
  await page.mouse.move(0, 0);
}

/**
 * At the end of the editor in `scope`, declares `name: type` in a new function and types
 * `name.`; returns the completions offered.
 */
async function completeMember(page: Page, scope: string, name: string, type: string): Promise<string[]> {
  await page.locator(`${scope} .monaco-editor`).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(`function probe(${name}: ${type}) {`);
  await page.keyboard.press('Enter');
  await page.keyboard.type(`${name}.`);
  const list = page.locator('.suggest-widget.visible .monaco-list-row');
  await list.first().waitFor({ timeout: 20_000 });
  return list.evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
}

/** Types `method(` after the `name.` of {@link completeMember} and waits for the parameter hint. */
async function parameterHint(page: Page, method: string): Promise<string> {
  await page.keyboard.press('Escape');
  await page.keyboard.type(`${method}(`);
  const hint = page.locator('.parameter-hints-widget.visible');
  await hint.waitFor({ timeout: 20_000 });
  return (await hint.textContent()) ?? '';
}

async function openFind(page: Page, scope: string): Promise<void> {
  await page.locator(`${scope} .monaco-editor .view-lines`).click();
  await page.keyboard.press('ControlOrMeta+F');
  await page.locator(`${scope} .find-widget.visible`).waitFor({ timeout: 5_000 });
  await page.keyboard.press('Escape');
}

const names = (rows: string[]) => rows.map((r) => r.split(/[\s,(:]/)[0]);

/** How many CSS rules on the page style Monaco, and the <link> stylesheets the page has. */
function monacoStyles(page: Page) {
  return page.evaluate(() => {
    let rules = 0;
    for (const sheet of document.styleSheets) {
      try {
        for (const rule of sheet.cssRules) if (rule.cssText.includes('.monaco-editor')) rules++;
      } catch {
        // A sheet from another origin cannot be read; the site has none.
      }
    }
    return { rules, links: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => (l as HTMLLinkElement).href) };
  });
}

describe("the editor's stylesheets", () => {
  it('are not on pages before an editor opens (no render-blocking Monaco CSS), and arrive with it, its icon font included', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    for (const path of ['/', '/03-transactions/', '/01-storage/']) {
      await page.goto(`${site.server.url}${path}`, { waitUntil: 'networkidle' });
      expect((await monacoStyles(page)).rules, path).toBe(0);
    }
    const font = page.waitForResponse((r) => /codicon.*\.ttf/.test(r.url()), { timeout: 20_000 });
    await openEditor(page, RING);
    expect((await monacoStyles(page)).rules).toBeGreaterThan(100);
    await openFind(page, RING); // the Find widget draws codicons
    expect((await font).status()).toBe(200);
    await expect(page.evaluate(() => document.fonts.check('16px codicon'))).resolves.toBe(true);
    expect(w.failedResponses).toEqual([]);
    await context.close();
  });
});

describe('the typed editor in chapter 1', () => {
  it('hovers, finds and completes in the first editor opened (hash-ring), then in a second (quorum)', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    await openEditor(page, RING);
    await hoverHash32(page);
    await openFind(page, RING);
    await openEditor(page, QUORUM);
    await openFind(page, QUORUM);
    expect(names(await completeMember(page, QUORUM, 'node', 'Node'))).toEqual(expect.arrayContaining(['send', 'setTimer', 'storage']));
    expect(await parameterHint(page, 'setTimer')).toMatch(/delayMs/);
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await context.close();
  });

  it('completes the coordination service client in chapter 6 (zk-lock, the first editor opened there), with its parameter hints', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/06-consensus/`);
    const lock = '[data-exercise="zk-lock"]';
    await openEditor(page, lock);
    const offered = await completeMember(page, lock, 'zk', 'ZooKeeper');
    expect(names(offered)).toEqual(expect.arrayContaining(['create', 'delete', 'exists', 'getChildren', 'onStateChange']));
    expect(await parameterHint(page, 'create')).toMatch(/mode: CreateMode/);
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await context.close();
  });

  it('completes and shows parameter hints in the first editor opened (quorum), then hovers in a second (hash-ring)', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/01-storage/`);
    await openEditor(page, QUORUM);
    expect(names(await completeMember(page, QUORUM, 'node', 'Node'))).toEqual(expect.arrayContaining(['send', 'setTimer', 'storage']));
    expect(await parameterHint(page, 'setTimer')).toMatch(/delayMs/);
    await openFind(page, QUORUM);
    await openEditor(page, RING);
    await hoverHash32(page);
    await openFind(page, RING);
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await context.close();
  });
});
