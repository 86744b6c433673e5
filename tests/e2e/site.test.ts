import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { useBuiltSite, watch } from './browser.ts';
import { docPlainText, extractApi } from '../../src/reference/api-docs.ts';

const chapters = readdirSync('content')
  .filter((d) => /^\d\d-/.test(d))
  .sort();

const site = useBuiltSite({ beforeAll, afterAll });

describe('the course site', () => {
  it('has the seven chapters in lesson order', () => {
    expect(chapters).toEqual([
      '01-storage',
      '02-cap',
      '03-transactions',
      '04-computation',
      '05-synchronization',
      '06-consensus',
      '07-messaging',
    ]);
  });

  it.each(['', ...chapters, 'progress', 'reference/sim', 'authoring'])('loads /%s with no console error, no failed load and no request to another origin', async (path) => {
    const page = await site.browser.newPage();
    const w = watch(page, site.server.url);
    const response = await page.goto(`${site.server.url}/${path ? `${path}/` : ''}`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    await expect(page.locator('main h1').first().textContent()).resolves.toBeTruthy();
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.failedResponses).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await page.close();
  });

  it('lists the chapters in the sidebar in folder order, with prev/next links between them', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.url}/02-cap/`);
    const links = await page.locator('nav.sidebar a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(links.filter((l) => /^\/\d\d-/.test(l))).toEqual(chapters.map((c) => `/${c}/`));
    await expect(page.locator('a[rel="prev"]').getAttribute('href')).resolves.toBe('/01-storage/');
    await expect(page.locator('a[rel="next"]').getAttribute('href')).resolves.toBe('/03-transactions/');
    await page.close();
  });

  it('finds chapter text with the built-in search', async () => {
    expect(existsSync('dist/pagefind/pagefind.js')).toBe(true);
    const page = await site.browser.newPage();
    const w = watch(page, site.server.url);
    await page.goto(`${site.server.url}/`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.pagefind-ui__search-input').fill('vector clocks');
    const result = page.locator('dialog .pagefind-ui__result-link').first();
    await result.waitFor({ timeout: 15_000 });
    await expect(result.getAttribute('href')).resolves.toMatch(/05-synchronization/);
    expect(w.foreignRequests).toEqual([]);
    await page.close();
  });

  it('has the simulation API reference, generated from the TSDoc and linked from the sidebar', async () => {
    // The text to find comes from the same source comments the page is built from.
    const node = extractApi('packages/sim/src/index.ts').exports.find((e) => e.name === 'Node');
    const send = node?.members.find((m) => m.name === 'send');
    expect(send?.doc.summary).toBeTruthy();
    const page = await site.browser.newPage();
    const w = watch(page, site.server.url);
    const response = await page.goto(`${site.server.url}/reference/sim/`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    const main = page.locator('main');
    await expect(main.getByRole('heading', { level: 3, name: 'Simulation', exact: true }).count()).resolves.toBe(1);
    await expect(main.getByRole('heading', { level: 3, name: 'Node', exact: true }).count()).resolves.toBe(1);
    const sendEntry = main.locator('.api-member', { has: page.locator('#node-send') });
    const sendText = ((await sendEntry.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(sendText).toContain(docPlainText(send!.doc.summary));
    await expect(page.locator('starlight-toc a[href="#node"]').first().isVisible()).resolves.toBe(true);
    const link = page.locator('nav.sidebar a[href="/reference/sim/"]');
    await expect(link.textContent()).resolves.toMatch(/Simulation API/);
    await expect(link.getAttribute('aria-current')).resolves.toBe('page');
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.failedResponses).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await page.close();
  });

  it('switches to dark mode', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.url}/01-storage/`);
    await page.locator('starlight-theme-select select').first().selectOption('dark');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await page.reload();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await page.close();
  });
});
