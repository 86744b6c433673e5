/**
 * The trace viewer in Chromium, on a real trace: the explorer's shrunk failing run of the
 * broken ABD register (reads that skip the write-back), opened as a file on /trace/ the way a
 * learner opens one saved by `npm run grade … --trace`. Drawing, the violation, stepping by
 * button, key and slider, clicking an event for its details and the node's log, the text list,
 * and axe with the viewer open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { explore } from '@baristas/sim/testing';
import type { Trace } from '@baristas/sim/host';
import { registerScenario } from '../../packages/sim/test/fixtures/register-scenario.ts';
import { coordinationTrace } from '../../packages/sim/test/fixtures/coordination-trace.ts';
import { axeViolations, newContext, useBuiltSite, watch } from './browser.ts';

const site = useBuiltSite({ beforeAll, afterAll });
let trace: Trace;
let file: string;

beforeAll(() => {
  const result = explore(registerScenario('no-write-back'));
  if (result.outcome !== 'violated') throw new Error('the broken register was expected to fail');
  trace = result.trace;
  file = join(mkdtempSync(join(tmpdir(), 'baristas-trace-')), 'trace.json');
  writeFileSync(file, JSON.stringify(trace));
});

async function openViewer(page: Page, path = file): Promise<void> {
  await page.goto(`${site.server.url}/trace/`);
  await page.locator('[data-action="open-trace"]').setInputFiles(path);
  await page.locator('[data-trace-viewer] svg [data-role="cursor"]').waitFor({ state: 'attached' });
}

const selected = async (page: Page) => Number(await page.locator('[data-trace-viewer]').getAttribute('data-selected'));

describe('the trace viewer', () => {
  it('draws every lane, message, drop, duplicate, crash and operation, and opens on the violation', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await openViewer(page);
    const viewer = page.locator('[data-trace-viewer]');
    await expect(page.locator('[data-role="trace-message"]').textContent()).resolves.toBe(`Opened trace.json: ${trace.events.length} events.`);
    // Clients first, in the order they first called, then every node.
    const clients = [...new Set(trace.events.flatMap((e) => (e.type === 'invoke' ? [e.client] : [])))];
    await expect(viewer.locator('.trace-lane-label').allTextContents()).resolves.toEqual([...clients, ...trace.nodes]);

    const count = (type: string) => trace.events.filter((e) => e.type === type).length;
    await expect(viewer.locator('.trace-arrow').count()).resolves.toBe(count('deliver') + count('drop'));
    await expect(viewer.locator('.trace-arrow.is-drop').count()).resolves.toBe(count('drop'));
    await expect(viewer.locator('.trace-arrow.is-copy').count()).resolves.toBe(trace.events.filter((e) => e.type === 'deliver' && e.copy === 2).length);
    await expect(viewer.locator('.trace-op').count()).resolves.toBe(count('invoke'));
    await expect(viewer.locator('.trace-span.is-down').count()).resolves.toBe(count('crash'));
    await expect(viewer.locator('.trace-op.is-violation').count()).resolves.toBe(trace.violation!.operations!.length);

    await expect(viewer.locator('[data-role="violation"]').textContent()).resolves.toContain(trace.violation!.message);
    await expect(viewer.locator('[data-role="replay"]').textContent()).resolves.toBe(trace.replay);
    // It opens on the first event of the violation, and says so.
    const first = await selected(page);
    expect(trace.violation!.operations).toContain((trace.events[first] as { op?: number }).op);
    await expect(viewer.locator('[data-role="details"]').textContent()).resolves.toContain('part of the violation');
    expect([...w.pageErrors, ...w.consoleErrors]).toEqual([]);
    await context.close();
  });

  it('draws the coordination service: its messages in words, watch events, a pause and the sessions opened and expired', async () => {
    const zkTrace = coordinationTrace();
    const zkFile = join(mkdtempSync(join(tmpdir(), 'baristas-trace-')), 'zk.json');
    writeFileSync(zkFile, JSON.stringify(zkTrace));
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const w = watch(page, site.server.url);
    await openViewer(page, zkFile);
    const viewer = page.locator('[data-trace-viewer]');
    await expect(viewer.locator('.trace-mark.is-session text').allTextContents()).resolves.toEqual([
      'session 1 opened',
      'session 2 opened',
      'session 1 expired',
    ]);
    await expect(viewer.locator('.trace-span.is-paused').count()).resolves.toBe(1);
    await expect(viewer.locator('.trace-arrow.is-zk-watch').count()).resolves.toBeGreaterThan(0);
    // A watch event clicked: the details say it in words.
    const arrow = viewer.locator('.trace-arrow.is-zk-watch').first();
    await viewer.locator('[data-action="last"]').click();
    await arrow.dispatchEvent('click');
    await expect(viewer.locator('[data-role="details"]').textContent()).resolves.toMatch(/Coordination service message: watch: NodeChildrenChanged \/locks/);
    await expect(arrow.locator('title').textContent()).resolves.toMatch(/\(watch: NodeChildrenChanged \/locks\)/);
    expect(await axeViolations(page)).toEqual([]);
    expect([...w.pageErrors, ...w.consoleErrors]).toEqual([]);
    await context.close();
  });

  it('steps with buttons, keys and the slider, and shows an event clicked in the diagram with its node log', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await openViewer(page);
    const viewer = page.locator('[data-trace-viewer]');
    const start = await selected(page);

    await viewer.locator('[data-action="next"]').click();
    expect(await selected(page)).toBe(start + 1);
    await viewer.locator('[data-action="prev"]').click();
    expect(await selected(page)).toBe(start);

    await viewer.locator('[data-role="scroll"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await selected(page)).toBe(start + 2);
    await page.keyboard.press('End');
    expect(await selected(page)).toBe(trace.events.length - 1);
    await page.keyboard.press('Home');
    expect(await selected(page)).toBe(0);
    await expect(viewer.locator('[data-role="description"]').textContent()).resolves.toBe(
      `${trace.events[0]!.t} ms: ${describeFirst(trace)}`,
    );

    await viewer.locator('[data-role="scrub"]').fill('40');
    expect(await selected(page)).toBe(40);
    await expect(viewer.locator('[data-role="scrub"]').getAttribute('aria-valuetext')).resolves.toBe(`Event 41 of ${trace.events.length}, at ${trace.events[40]!.t} ms`);

    // A log mark clicked in the diagram: its details, and that node's log up to that moment.
    const logIndex = trace.events.findIndex((e) => e.type === 'log');
    const log = trace.events[logIndex] as { node: string; text: string; t: number };
    await viewer.locator('[data-action="last"]').click(); // nothing dimmed over the mark
    await viewer.locator(`circle.is-log[data-i="${logIndex}"]`).dispatchEvent('click');
    expect(await selected(page)).toBe(logIndex);
    await expect(viewer.locator('[data-role="description"]').textContent()).resolves.toBe(`${log.t} ms: ${log.node} logged: ${log.text}`);
    await expect(viewer.locator('[data-role="log-title"]').textContent()).resolves.toBe(`${log.node}'s log up to here`);
    await expect(viewer.locator('[data-role="log"]').textContent()).resolves.toContain(log.text);

    // A delivery arrow: the message body comes from its send.
    const deliver = trace.events.findIndex((e) => e.type === 'deliver');
    await viewer.locator(`.trace-arrow[data-i="${deliver}"]`).dispatchEvent('click');
    expect(await selected(page)).toBe(deliver);
    await expect(viewer.locator('[data-role="details"]').textContent()).resolves.toContain('Message body:');
    // The arrow is marked both from its delivery and from its send.
    const arrow = viewer.locator(`.trace-arrow[data-i="${deliver}"]`);
    await expect(arrow.getAttribute('class')).resolves.toContain('is-selected');
    await viewer.locator('[data-role="scrub"]').fill(String(await arrow.getAttribute('data-send')));
    await expect(arrow.getAttribute('class')).resolves.toContain('is-selected');
    await arrow.dispatchEvent('click');

    // Zooming redraws wider and keeps the selection.
    const width = Number(await viewer.locator('svg[data-role="svg"]').getAttribute('width'));
    await viewer.locator('[data-action="zoom-in"]').click();
    expect(Number(await viewer.locator('svg[data-role="svg"]').getAttribute('width'))).toBeGreaterThan(width);
    expect(await selected(page)).toBe(deliver);
    await context.close();
  });

  it('lists every event as text, in pages, and the list moves the same cursor', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await openViewer(page);
    const viewer = page.locator('[data-trace-viewer]');
    await viewer.locator('[data-role="events"] summary').click();
    await viewer.locator('[data-action="first"]').click();
    await expect(viewer.locator('[data-role="page"]').textContent()).resolves.toBe(`Events 1–100 of ${trace.events.length}`);
    await expect(viewer.locator('[data-role="list"] button').count()).resolves.toBe(100);
    await viewer.locator('[data-role="list"] [data-event="7"]').click();
    expect(await selected(page)).toBe(7);
    await expect(viewer.locator('[data-role="list"] [aria-current="true"]').getAttribute('data-event')).resolves.toBe('7');
    await viewer.locator('[data-action="page-next"]').click();
    expect(await selected(page)).toBe(100);
    await expect(viewer.locator('[data-role="page"]').textContent()).resolves.toBe(`Events 101–200 of ${trace.events.length}`);
    // Focus follows to the list item, so a keyboard user keeps their place.
    await expect(page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.event)).resolves.toBe('100');
    await context.close();
  });

  it('refuses a file that is not a trace, with a reason', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await page.goto(`${site.server.url}/trace/`);
    const bad = join(mkdtempSync(join(tmpdir(), 'baristas-trace-')), 'old.json');
    writeFileSync(bad, JSON.stringify({ version: 1, nodes: [], events: [] }));
    await page.locator('[data-action="open-trace"]').setInputFiles(bad);
    await expect.poll(() => page.locator('[data-role="trace-message"]').textContent()).toBe(
      'Cannot open old.json: This trace has format version 1; this viewer reads version 2. Replay the run again with this site.',
    );
    await expect(page.locator('[data-trace-viewer]').count()).resolves.toBe(0);
    await context.close();
  });

  it('has no axe violations with the viewer open', async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    await openViewer(page);
    await page.locator('[data-trace-viewer] [data-role="events"] summary').click();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

function describeFirst(t: Trace): string {
  const e = t.events[0]!;
  if (e.type === 'network') return `network now drops ${e.dropProbability} and duplicates ${e.duplicateProbability} of messages`;
  if (e.type === 'start') return `${e.node} started`;
  throw new Error(`unexpected first event ${e.type}`);
}
