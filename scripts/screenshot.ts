/**
 * npm run screenshot — regenerates docs/screenshot.png for the README: the hash-ring exercise
 * graded in Chromium, with a classic mistake (no wrap-around) so passes and failures both show.
 * Needs a built site (npm run build).
 */
import { learnerFile } from '@baristas/grader/build';
import { launch, newContext, openEditor, pasteIntoEditor, serveDist } from '../tests/e2e/browser.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const browser = await launch();
const server = await serveDist();
const context = await newContext(browser);
const page = await context.newPage();
await page.setViewportSize({ width: 1280, height: 1100 });
await page.goto(`${server.url}/01-storage/`);
await openEditor(page, EXERCISE, 60_000);
await pasteIntoEditor(page, EXERCISE, learnerFile('hash-ring', 'mutants/no-wrap-around').source());
await page.locator(`${EXERCISE} [data-action="run"]`).click();
await page.locator(`${EXERCISE}[data-verdict]`).waitFor({ timeout: 60_000 });
await page.locator(`${EXERCISE} [data-role="results"]`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
await page.evaluate(() => window.scrollBy(0, -330));
await page.screenshot({ path: 'docs/screenshot.png' });
await browser.close();
await server.close();
console.log('wrote docs/screenshot.png');
