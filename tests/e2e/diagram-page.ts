/**
 * What every live-diagram test does in Chromium: open a chapter in a context of its own, watch
 * the scripts it loads, scroll a figure into view until its module mounts, and finish by
 * checking that the page's globals are real again, axe finds nothing in either theme, and the
 * page logged no error.
 */
import { expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { axeViolations, watch, type PageWatch } from './browser.ts';
import type { StaticServer } from './static-server.ts';

export interface Opened {
  page: Page;
  w: PageWatch;
  /** Every script the page requested from /_astro/, in order. */
  scripts: string[];
}

/** Opens `path` of the built site in a fresh context (axe's binding refuses browser.newPage()). */
export async function openPage(site: { browser: Browser; server: StaticServer }, path: string): Promise<Opened> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const w = watch(page, site.server.url);
  const scripts: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/_astro/') && url.pathname.endsWith('.js')) scripts.push(url.pathname);
  });
  await page.goto(`${site.server.url}${path}`, { waitUntil: 'networkidle' });
  return { page, w, scripts };
}

/** Scrolls the figure into view and waits for its module to mount. */
export async function showDiagram(page: Page, kind: string): Promise<Locator> {
  const figure = page.locator(`figure[data-diagram="${kind}"]`);
  await figure.scrollIntoViewIfNeeded();
  await page.locator(`figure[data-diagram="${kind}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
  return figure;
}

/** An element's text with its whitespace collapsed. */
export const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** axe's findings in the figure, in the light and the dark theme. */
export async function axeBothThemes(page: Page, kind: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    // Set directly: Starlight follows a media change only asynchronously, so axe could race it.
    await page.evaluate((theme) => (document.documentElement.dataset.theme = theme), colorScheme);
    found.push(...(await axeViolations(page, `figure[data-diagram="${kind}"]`)).map((v) => `${colorScheme} ${v}`));
  }
  return found;
}

/** True when the page's clock, randomness and timers are the browser's own again. */
export const globalsReal = (page: Page) =>
  page.evaluate(() =>
    [Math.random, Date, Date.now, performance.now, setTimeout, clearTimeout, setInterval, clearInterval].every((f) =>
      /\[native code\]/.test(Function.prototype.toString.call(f)),
    ),
  );

/** The checks every diagram test ends with, then closes the page's context. */
export async function finishDiagram({ page, w }: Pick<Opened, 'page' | 'w'>, kind: string): Promise<void> {
  expect(await globalsReal(page)).toBe(true);
  expect(await axeBothThemes(page, kind)).toEqual([]);
  expect([...w.pageErrors, ...w.consoleErrors, ...w.failedResponses]).toEqual([]);
  await page.context().close();
}
