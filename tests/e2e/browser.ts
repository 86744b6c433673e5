import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { serveStatic, type StaticServer } from './static-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

function chromiumPath(): string {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return CHROMIUM;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS });
}

/**
 * A browser with a profile on disk (`userDataDir`), as a learner's is: closing the returned
 * context ends the browser process, and launching again with the same directory is a browser
 * restart that keeps IndexedDB. Pages may use the clipboard, as in `newContext`.
 */
export function launchPersistent(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    args: ARGS,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
}

export function serveDist(options: { isolation?: boolean } = {}): Promise<StaticServer> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first');
  return serveStatic('dist', options);
}

/** Everything a page did that a test may want to forbid: console errors, failed loads, other origins. */
export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
  failedResponses: string[];
}

export function watch(page: Page, origin: string): PageWatch {
  const w: PageWatch = { consoleErrors: [], pageErrors: [], foreignRequests: [], failedResponses: [] };
  page.on('console', (m) => m.type() === 'error' && w.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => w.pageErrors.push(e.message));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) w.foreignRequests.push(url);
  });
  page.on('response', (r) => r.status() >= 400 && w.failedResponses.push(`${r.status()} ${r.url()}`));
  return w;
}

/** A fresh browser context (its own IndexedDB) whose pages may use the clipboard. */
export function newContext(browser: Browser) {
  return browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
}

/**
 * Replaces the text of the Monaco editor inside `scope` the way a learner pastes: select all,
 * then Ctrl/Cmd+V from the clipboard (typing it would let auto-indent reshape every line).
 */
export async function pasteIntoEditor(page: Page, scope: string, text: string): Promise<void> {
  await page.locator(`${scope} .monaco-editor`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+V');
}

/** Starts editing the exercise at `scope` by clicking its starter code; resolves once Monaco is ready. */
export async function openEditor(page: Page, scope: string, timeoutMs = 30_000): Promise<void> {
  await page.locator(`${scope} [data-role="static"]`).click();
  await page.locator(`${scope}[data-editor="ready"]`).waitFor({ timeout: timeoutMs });
}

/**
 * Registers beforeAll/afterAll hooks that start Chromium and serve dist/ for one test file;
 * read `site.browser` and `site.server` inside tests.
 */
export function useBuiltSite(hooks: { beforeAll(fn: () => Promise<void>): void; afterAll(fn: () => Promise<void>): void }) {
  const site = {} as { browser: Browser; server: StaticServer };
  hooks.beforeAll(async () => {
    [site.browser, site.server] = await Promise.all([launch(), serveDist()]);
  });
  hooks.afterAll(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/**
 * The draft as idb-keyval stored it (database `keyval-store`, store `keyval`), or null. Never
 * creates the database: that would leave it without idb-keyval's store.
 */
export function storedDraft(page: Page, key: string): Promise<string | null> {
  return page.evaluate(
    (key) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('keyval-store');
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve(null) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('keyval')) {
            db.close();
            resolve(null);
            return;
          }
          const get = db.transaction('keyval', 'readonly').objectStore('keyval').get(key);
          get.onsuccess = () => {
            db.close();
            resolve(typeof get.result === 'string' ? get.result : null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    key,
  );
}

/**
 * axe-core's violations on `page` (only inside `include`, a selector, when given), one line
 * each with the rule, its impact and the first offending elements: a test expects `[]`, and a
 * failure reads as what to fix.
 */
export async function axeViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const results = await (include === undefined ? builder : builder.include(include)).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
