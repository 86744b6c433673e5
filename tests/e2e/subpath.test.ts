/**
 * The course served under a sub-path, as a GitHub Pages project site or university web space
 * serves it: the real build with `BARISTAS_BASE=/course/`, on a server that answers nothing
 * outside `/course/`. Every page loads and every link on it leads somewhere under the base; an
 * exercise grades; the solution, the trace page and the progress page work there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, newContext, openEditor, pasteIntoEditor, watch } from './browser.ts';
import { buildVariant, serveVariant, type Variant } from './variant.ts';
import type { StaticServer } from './static-server.ts';

const BASE = '/course/';
let browser: Browser;
let server: StaticServer;
let variant: Variant;
/** `http://127.0.0.1:<port>/course/` */
let root: string;

beforeAll(async () => {
  variant = buildVariant({ BARISTAS_BASE: BASE, BARISTAS_SITE: 'https://example.org', BARISTAS_WEBCONTAINER: 'off' });
  [browser, server] = await Promise.all([launch(), serveVariant(variant)]);
  root = `${server.url}/`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Every page of the build, as a path under the base (`01-storage/`, `reference/sim/`, …). */
function pages(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('index.html'))
    .map((f) => relative(dir, join(dir, f)).replace(/index\.html$/, ''))
    .sort();
}

describe(`the course under a sub-path (${BASE})`, () => {
  it('was built with that base, a sitemap for the site, and no _headers file (WebContainer off)', () => {
    expect(variant.config).toMatchObject({ base: BASE, site: `https://example.org${BASE}`, webcontainer: 'off' });
    const files = readdirSync(variant.dir);
    expect(files).toContain('sitemap-index.xml');
    expect(files).not.toContain('_headers');
    expect(readFileSync(join(variant.dir, 'sitemap-0.xml'), 'utf8')).toContain(`https://example.org${BASE}01-storage/`);
  });

  it('serves every page with no 404, no console error and no request outside the sub-path, and every link on it leads to a page', async () => {
    const all = pages(variant.dir);
    expect(all).toEqual(expect.arrayContaining(['', '01-storage/', '07-messaging/', 'progress/', 'trace/', 'reference/sim/']));
    const context = await newContext(browser);
    const outside: string[] = [];
    const links = new Set<string>();
    for (const path of all) {
      const page = await context.newPage();
      const w = watch(page, root);
      page.on('request', (r) => {
        const url = r.url();
        if (url.startsWith(server.url.replace(BASE.replace(/\/$/, ''), '')) && !url.startsWith(root)) outside.push(`${path}: ${url}`);
      });
      const response = await page.goto(`${root}${path}`, { waitUntil: 'networkidle' });
      expect(response?.status(), path).toBe(200);
      expect({ path, ...w }).toEqual({ path, consoleErrors: [], pageErrors: [], foreignRequests: [], failedResponses: [] });
      for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        const url = new URL(href);
        if (url.origin === new URL(root).origin) links.add(`${url.origin}${url.pathname}`);
      }
      await page.close();
    }
    expect(outside).toEqual([]);
    // The home page's call to action, the sidebar, prev/next and links in the prose.
    expect(links).toContain(`${root}01-storage/`);
    const broken: string[] = [];
    for (const link of links) {
      if (!link.startsWith(root)) broken.push(`${link} (outside ${BASE})`);
      else {
        const status = (await fetch(link)).status;
        if (status !== 200) broken.push(`${link} (${status})`);
      }
    }
    expect(broken).toEqual([]);
    await context.close();
  });

  it('grades an exercise, shows its solution and opens the progress page, all from under the sub-path', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const w = watch(page, root);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${root}01-storage/`);
    const exercise = '[data-exercise="hash-ring"]';
    await openEditor(page, exercise);
    await pasteIntoEditor(page, exercise, readFileSync('sandboxes/hash-ring/solution.ts', 'utf8'));
    await page.locator(`${exercise} [data-action="run"]`).click();
    await page.locator(`${exercise}[data-verdict]`).waitFor({ timeout: 60_000 });
    await expect(page.locator(exercise).getAttribute('data-verdict')).resolves.toBe('passed');
    await page.locator(`${exercise} [data-action="solution"]`).click();
    // Fetched from grader/solutions/ under the base when the button is pressed.
    await page.locator(`${exercise} [data-role="solution-code"]`, { hasText: 'export class HashRing' }).waitFor({ timeout: 10_000 });
    await page.goto(`${root}progress/`);
    await page.locator('[data-status="passed"]', { hasText: 'Consistent hashing' }).first().waitFor({ timeout: 10_000 });
    expect(w.failedResponses).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await context.close();
  });
});
