/**
 * WebContainer loads StackBlitz's code from stackblitz.com, so a page may only reach another
 * site when the build and the learner allow it. Every page here is cross-origin isolated, so
 * WebContainer would be possible; every request to another origin is blocked (as offline, or
 * behind a school's firewall) and recorded, and so is every request for the chunk that holds
 * WebContainer's boot code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launch, newContext, openEditor, serveDist, watch, type PageWatch } from './browser.ts';
import { buildVariant, serveVariant, type Variant } from './variant.ts';
import type { StaticServer } from './static-server.ts';

const EXERCISE = '[data-exercise="hash-ring"]';
const OFFER = `${EXERCISE} [data-action="use-webcontainer"]`;
const UNDO = `${EXERCISE} [data-action="use-worker"]`;
const OFFER_TEXT = 'Run in real Node (WebContainer, loads from stackblitz.com)';
/** Longer than select.ts's idle-time wait (at most 5 s) before an unprompted boot. */
const IDLE_MS = 6_000;

/** What left, or tried to leave, the test server's origin, and the loads of WebContainer's boot code. */
interface Traffic {
  blocked: string[];
  chunk: string[];
}

async function recordTraffic(context: BrowserContext, origin: string): Promise<Traffic> {
  const traffic: Traffic = { blocked: [], chunk: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    traffic.blocked.push(url);
    return route.abort();
  });
  context.on('request', (r) => /webcontainer-runtime/.test(r.url()) && traffic.chunk.push(r.url()));
  return traffic;
}

/** Whether the page tried to reach StackBlitz: @webcontainer/api's only host, for its hidden iframe. */
const reachedStackBlitz = (traffic: Traffic): boolean => traffic.blocked.some((url) => new URL(url).origin === 'https://stackblitz.com');

/** Forgets what was recorded so far, so each step's expectations cover that step alone. */
function clear(traffic: Traffic, w: PageWatch): void {
  traffic.blocked.length = 0;
  traffic.chunk.length = 0;
  w.foreignRequests.length = 0;
}

/** Runs the hash-ring exercise (its starter fails) and returns the results summary. */
async function runOnce(page: Page): Promise<string> {
  await page.locator(EXERCISE).evaluate((el) => el.removeAttribute('data-verdict'));
  await page.locator(`${EXERCISE} [data-action="run"]`).click();
  await page.locator(`${EXERCISE}[data-verdict]`).waitFor({ timeout: 60_000 });
  return (await page.locator(`${EXERCISE} [data-role="summary"]`).textContent()) ?? '';
}

const runtimeState = (page: Page, scope = EXERCISE) => page.locator(scope).getAttribute('data-runtime');
const choiceStored = (page: Page) => page.evaluate(() => localStorage.getItem('baristas:webcontainer'));

describe('WebContainer in an ask build (the default)', () => {
  let browser: Browser;
  let server: StaticServer;
  let context: BrowserContext;
  let page: Page;
  let traffic: Traffic;
  let w: PageWatch;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launch(), serveDist({ isolation: true })]);
    context = await newContext(browser);
    traffic = await recordTraffic(context, server.url);
    page = await context.newPage();
    w = watch(page, server.url);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('loads nothing from another site before the learner accepts, and offers real Node as a button', async () => {
    await page.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
    await expect(page.evaluate(() => crossOriginIsolated)).resolves.toBe(true);
    await page.waitForTimeout(IDLE_MS);
    await openEditor(page, EXERCISE, 60_000);
    expect(await runOnce(page)).toMatch(/graded by the browser worker runtime/);

    expect(traffic.blocked).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    expect(traffic.chunk).toEqual([]);
    expect(w.pageErrors).toEqual([]);

    const offer = page.locator(OFFER);
    await expect(offer.isVisible()).resolves.toBe(true);
    await expect(offer.evaluate((el) => el.tagName)).resolves.toBe('BUTTON');
    await expect(offer.textContent()).resolves.toBe(OFFER_TEXT);
    await expect(page.locator(UNDO).isHidden()).resolves.toBe(true);
    await expect(runtimeState(page)).resolves.toBe('offered');
    const indicator = page.locator(`${EXERCISE} [data-role="runtime"]`);
    await expect(indicator.textContent()).resolves.toBe('Runs in: browser worker');
    await expect(indicator.getAttribute('aria-label')).resolves.toMatch(/loads code from stackblitz\.com, so nothing is loaded until you do/);
    expect(await axeViolations(page, `${EXERCISE} .exercise-toolbar`)).toEqual([]);
  });

  it('accepting (from the keyboard) tries the boot for every exercise, falls back to the worker with the reason shown, and Run still grades', async () => {
    clear(traffic, w);
    await page.locator(OFFER).focus();
    await page.keyboard.press('Enter');
    await expect(choiceStored(page)).resolves.toBe('accepted');
    // The boot was attempted: its code was fetched, and its request to StackBlitz blocked.
    await expect.poll(() => traffic.chunk.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => reachedStackBlitz(traffic), { timeout: 15_000 }).toBe(true);
    await expect(page.locator(OFFER).isHidden()).resolves.toBe(true);
    await expect(page.locator(UNDO).isVisible()).resolves.toBe(true);

    // Nothing answers from StackBlitz here, so the boot times out (30 s) and the worker stays.
    await page.locator(`${EXERCISE}[data-runtime="fallback"]`).waitFor({ timeout: 45_000 });
    await expect(page.locator(`${EXERCISE} [data-role="runtime"]`).textContent()).resolves.toMatch(/^Runs in: browser worker \(Node did not start: .+\)$/);
    await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toMatch(/^WebContainer could not start \(.+\); the browser worker grades instead\.$/);
    // One runtime for the page: the choice made in one toolbar applies to every exercise.
    const states = await page.locator('[data-exercise]').evaluateAll((els) => els.map((el) => el.getAttribute('data-runtime')));
    expect(states.length).toBeGreaterThan(1);
    expect(new Set(states)).toEqual(new Set(['fallback']));

    expect(await runOnce(page)).toMatch(/graded by the browser worker runtime/);
  }, 90_000);

  it('remembers the choice: after a reload the boot starts without asking', async () => {
    clear(traffic, w);
    await page.reload();
    await expect.poll(() => reachedStackBlitz(traffic), { timeout: 15_000 }).toBe(true);
    await expect(runtimeState(page)).resolves.toMatch(/^(booting|fallback)$/);
    await expect(page.locator(OFFER).isHidden()).resolves.toBe(true);
    await expect(page.locator(UNDO).isVisible()).resolves.toBe(true);
  });

  it('can be taken back: the next Run uses the worker, and after a reload nothing is loaded from another site', async () => {
    await page.locator(UNDO).click();
    await expect(choiceStored(page)).resolves.toBeNull();
    await expect(runtimeState(page)).resolves.toBe('offered');
    await expect(page.locator(OFFER).isVisible()).resolves.toBe(true);
    await expect(page.locator(UNDO).isHidden()).resolves.toBe(true);
    // The boot started on load may still be under way: only a reload unloads it, and the page says so.
    await expect(page.locator(`${EXERCISE} [data-role="status"]`).textContent()).resolves.toMatch(/no longer remembers the choice\. Reload the page to unload WebContainer\./);
    await openEditor(page, EXERCISE, 60_000);
    expect(await runOnce(page)).toMatch(/graded by the browser worker runtime/);

    clear(traffic, w);
    await page.reload({ waitUntil: 'networkidle' });
    await page.waitForTimeout(IDLE_MS);
    expect(traffic.blocked).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    expect(traffic.chunk).toEqual([]);
    await expect(runtimeState(page)).resolves.toBe('offered');
    await expect(page.locator(OFFER).isVisible()).resolves.toBe(true);
  }, 60_000);
});

describe('WebContainer in an off build (served under /course/, with isolation headers all the same)', () => {
  let variant: Variant;
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    variant = buildVariant({ BARISTAS_WEBCONTAINER: 'off', BARISTAS_BASE: '/course/' });
    [browser, server] = await Promise.all([launch(), serveVariant(variant, { isolation: true })]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads nothing from another site, offers nothing, never fetches the boot code, and ignores the test stand-in', async () => {
    const context = await newContext(browser);
    const origin = new URL(server.url).origin;
    const traffic = await recordTraffic(context, origin);
    // `off` promised that nothing of WebContainer runs; the end-to-end hook does not get around that.
    await context.addInitScript(() => {
      (window as { __baristasWebContainerStandIn?: unknown }).__baristasWebContainerStandIn = {
        name: 'webcontainer',
        grade: () => Promise.reject(new Error('the stand-in must not be used in an off build')),
      };
    });
    const page = await context.newPage();
    const w = watch(page, origin);
    await page.goto(`${server.url}/01-storage/`, { waitUntil: 'networkidle' });
    await expect(page.evaluate(() => crossOriginIsolated)).resolves.toBe(true);
    await page.waitForTimeout(IDLE_MS);
    await expect(runtimeState(page)).resolves.toBe('worker');
    await openEditor(page, EXERCISE, 60_000);
    expect(await runOnce(page)).toMatch(/graded by the browser worker runtime/);

    expect(traffic.blocked).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    expect(traffic.chunk).toEqual([]);
    await expect(page.locator('[data-action="use-webcontainer"], [data-action="use-worker"]').count()).resolves.toBe(0);
    const indicator = page.locator(`${EXERCISE} [data-role="runtime"]`);
    await expect(indicator.textContent()).resolves.toBe('Runs in: browser worker');
    await expect(indicator.getAttribute('aria-label')).resolves.toMatch(/WebContainer \(real Node\) is off: it is not offered on this site/);
    await context.close();
  });

  it('ships no _headers file, so static hosts send no isolation headers for it', () => {
    expect(existsSync(join(variant.dir, '_headers'))).toBe(false);
  });
});
