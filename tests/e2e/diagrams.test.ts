/**
 * The live diagrams of chapters 1 and 2 in Chromium: none of their code loads before the reader
 * scrolls to it; each one, driven once by keyboard and pointer, shows and says what happened
 * (keys moved, a stale read from a lagging follower, a stale read that R + W ≤ N allows and
 * R + W > N forbids, a refused minority in CP and divergence then convergence in AP); the page
 * logs no error, its globals stay real after the simulations ran, and axe finds nothing in
 * either theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBuiltSite } from './browser.ts';
import { axeBothThemes, finishDiagram, openPage, showDiagram, text } from './diagram-page.ts';

const site = useBuiltSite({ beforeAll, afterAll });
/** The diagrams' own chunks: one per kind, the shared helpers (ui) and the sim engine (run). */
const DIAGRAM_CODE = /\/_astro\/(ring|replication-lag|quorum|partition|ui|run)\.[\w-]+\.js$/;

const open = (path: string) => openPage(site, path);
const show = showDiagram;
const axe = axeBothThemes;
const finish = finishDiagram;

describe('the live diagrams', () => {
  it('load nothing of their own until scrolled to, then only what the diagram in view needs', async () => {
    const o = await open('/01-storage/');
    const { page, scripts } = o;
    // The figure and its words are in the page from the start, for every reader.
    for (const kind of ['replication-lag', 'ring', 'quorum']) {
      const figure = page.locator(`figure[data-diagram="${kind}"]`);
      await expect(figure.getAttribute('data-state')).resolves.toBe('idle');
      await expect(text(figure.locator('[data-role="fallback"]'))).resolves.toMatch(/^In short: /);
      const described = await figure.getAttribute('aria-describedby');
      await expect(text(page.locator(`#${described}`))).resolves.toMatch(/^.{200,}$/);
      await expect(figure.locator('[aria-live="polite"]').count()).resolves.toBe(1);
    }
    expect(scripts.filter((s) => DIAGRAM_CODE.test(s))).toEqual([]);

    await show(page, 'ring');
    const loaded = scripts.filter((s) => DIAGRAM_CODE.test(s)).map((s) => s.replace(/^\/_astro\/|\.[\w-]+\.js$/g, ''));
    expect(loaded).toContain('ring');
    // The ring needs no simulation engine, and the quorum diagram further down is not loaded.
    expect(loaded).not.toContain('run');
    expect(loaded).not.toContain('quorum');
    await expect(page.locator('figure[data-diagram="quorum"]').getAttribute('data-state')).resolves.toBe('idle');
    // Its styles came with it, not with the page.
    await expect(page.locator('link[rel="stylesheet"][href*="diagrams"]').count()).resolves.toBe(0);
    await expect(page.locator('style#diagrams-css').count()).resolves.toBe(1);

    await show(page, 'quorum');
    expect(scripts.some((s) => /\/quorum\.[\w-]+\.js$/.test(s))).toBe(true);
    expect(scripts.some((s) => /\/run\.[\w-]+\.js$/.test(s))).toBe(true);
    expect([...o.w.pageErrors, ...o.w.consoleErrors]).toEqual([]);
    await page.context().close();
  });

  it('ring: adding a barista moves only some keys, all to it; removing one moves only its keys', async () => {
    const o = await open('/01-storage/');
    const figure = await show(o.page, 'ring');
    const live = figure.locator('[data-role="live"]');
    const change = figure.locator('[data-role="change"]');
    await expect(figure.locator('[data-role="load"] li').count()).resolves.toBe(3);

    // Keyboard: Tab to the button from the figure's start, and press Enter.
    const add = figure.getByRole('button', { name: 'Add a barista' });
    await add.focus();
    expect(await add.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe('none');
    await o.page.keyboard.press('Enter');
    const added = (await text(change)).match(/^Barista 4 joined: (\d+) of 200 keys moved, all to barista 4/);
    expect(added).not.toBeNull();
    const moved = Number(added![1]);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(200);
    await expect(figure.locator('circle.ring-key.is-moved').count()).resolves.toBe(moved);
    await expect(text(live)).resolves.toContain(`${moved} of 200 keys moved`);
    await expect(figure.locator('[data-role="load"] li').count()).resolves.toBe(4);
    await expect(text(figure.locator('[data-role="balance"]'))).resolves.toMatch(/× the mean/);
    await expect(figure.locator('svg[role="img"]').getAttribute('aria-label')).resolves.toMatch(/4 baristas, 4 tokens each/);

    // More tokens per barista, by keyboard on the slider.
    const slider = figure.getByRole('slider', { name: 'Tokens per barista' });
    await slider.focus();
    await o.page.keyboard.press('ArrowRight');
    await expect(text(change)).resolves.toMatch(/^Tokens per barista 4 → 5: \d+ of 200 keys moved/);
    await expect(slider.getAttribute('aria-valuetext')).resolves.toBe('5');

    // Pointer: remove barista 2.
    await figure.getByRole('button', { name: 'Remove barista 2' }).click();
    await expect(text(change)).resolves.toMatch(/^Barista 2 left: \d+ of 200 keys moved\. Only its own keys moved/);
    await expect(figure.locator('[data-role="load"] li').count()).resolves.toBe(3);
    await finish(o, 'ring');
  });

  it('replication-lag: a read from a follower whose lag has not passed is stale, and says so', async () => {
    const o = await open('/01-storage/');
    const figure = await show(o.page, 'replication-lag');
    const live = figure.locator('[data-role="live"]');
    const result = figure.locator('[data-role="result"]');

    const lag = figure.getByRole('slider', { name: 'Lag to barista 3 (ms)' });
    await lag.focus();
    await o.page.keyboard.press('End');
    await expect(lag.getAttribute('aria-valuetext')).resolves.toBe('1000 ms');
    await expect(text(live)).resolves.toBe('Lag to barista 3 is now 1000 ms, for writes sent from now on.');

    await figure.getByRole('button', { name: 'Ada writes a new order' }).click();
    await expect(text(live)).resolves.toMatch(/^Ada wrote write #2, ‘oat flat white’ to the head barista at 10 ms, and it completed\. It reaches barista 2 at 50 ms and barista 3 at 1010 ms\.$/);
    await expect(figure.locator('.lag-msg').count()).resolves.toBe(2);

    await figure.getByRole('button', { name: 'Read from barista 3' }).click();
    await expect(result.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(result)).resolves.toContain('Stale read.');
    await expect(text(result)).resolves.toContain("returned write #1, ‘flat white’. Stale: the follower had not yet applied write #2 (it arrives at 1010 ms), though Ada's write had completed.");
    await expect(text(live)).resolves.toContain('Stale: the follower had not yet applied write #2');
    await expect(text(figure.locator('.lag-node.is-stale'))).resolves.toContain('Barista 3 · ⚠ stale');

    // Time moves only when asked; after the lag, the same read is fresh.
    await figure.getByRole('button', { name: 'Wait until the followers catch up' }).click();
    await expect.poll(() => text(live), { timeout: 10_000 }).toMatch(/^Waited 1000 ms; now 1010 ms\. Barista 2 applied write #2 and barista 3 applied write #2\. Every follower is caught up\.$/);
    await figure.getByRole('button', { name: 'Read from barista 3' }).click();
    await expect(result.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(live)).resolves.toBe("Read from barista 3 at 1010 ms returned write #2, ‘oat flat white’: up to date with Ada's latest write.");
    await expect(figure.locator('.lag-node.is-stale').count()).resolves.toBe(0);
    await finish(o, 'replication-lag');
  });

  it('quorum: with R = W = 1 of N = 3 a read misses the write and is called stale; with R = W = 2 the same steps cannot', async () => {
    const o = await open('/01-storage/');
    const figure = await show(o.page, 'quorum');
    const live = figure.locator('[data-role="live"]');
    const result = figure.locator('[data-role="result"]');
    const rule = figure.locator('[data-role="rule"]');
    const press = (name: string) => figure.getByRole('button', { name, exact: true }).click();

    for (const name of ['R, answers per read', 'W, acknowledgements per write']) {
      await figure.getByRole('slider', { name }).focus();
      await o.page.keyboard.press('Home');
    }
    await expect(text(rule)).resolves.toMatch(/^R \+ W = 2 ≤ N = 3: a read quorum and a write quorum need not share a barista/);

    await press('Cut off barista 2');
    await press('Cut off barista 3');
    await press('Ada writes a new order');
    await expect(text(result)).resolves.toMatch(/^✓ Write done\. Wrote v2 ‘oat flat white’: acknowledged by barista 1 \(W = 1\)\. Barista 2 \(cut off\) and barista 3 \(cut off\) did not answer\.$/);
    await press('Reconnect barista 2');
    await press('Reconnect barista 3');
    await press('Crash barista 1');
    await expect(text(live)).resolves.toBe('Barista 1 is crashed: its notepad survives, but it answers nobody.');
    await press('Ada reads her order');
    await expect(result.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(live)).resolves.toMatch(
      /^Stale read\. The read returned v1 ‘flat white’, heard from barista [23] \(v1\), but the latest completed write is v2 ‘oat flat white’, acknowledged by barista 1\. The read quorum missed every barista in that write quorum: with R \+ W = 2 ≤ N = 3, nothing forces them to overlap\./,
    );
    // Each barista's card says what it holds and what it did in the read.
    const card = (i: number) => text(figure.locator('.quorum-replica').nth(i));
    await expect(card(0)).resolves.toMatch(/Barista 1 v2 ‘oat flat white’ ✗ crashed ✗ no answer/);
    await expect(card(1)).resolves.toMatch(/Barista 2 v1 ‘flat white’ up/);

    // R = W = 2: the same steps give a failed write and an up-to-date read.
    for (const name of ['R, answers per read', 'W, acknowledgements per write']) {
      await figure.getByRole('slider', { name }).focus();
      await o.page.keyboard.press('ArrowRight');
    }
    await expect(text(rule)).resolves.toMatch(/^R \+ W = 4 > N = 3: .* A stale read cannot happen here/);
    await expect(text(live)).resolves.toContain('N = 3, R = 2, W = 2.');
    await press('Restart barista 1');
    await press('Cut off barista 2');
    await press('Cut off barista 3');
    await press('Ada writes a new order');
    await expect(result.getAttribute('class')).resolves.toContain('is-refused');
    await expect(text(live)).resolves.toMatch(/^Failed: no quorum\. The write failed: only 1 of the 2 acknowledgements it needs \(W = 2\) arrived within 50 ms, from barista 1\./);
    await press('Reconnect barista 2');
    await press('Reconnect barista 3');
    await press('Crash barista 1');
    await press('Ada reads her order');
    await expect(result.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(live)).resolves.toMatch(/^Read up to date\. The read returned v1 ‘flat white’/);
    // With two of three baristas crashed or cut off, a read cannot gather R = 2 and fails at once.
    await press('Cut off barista 2');
    await press('Ada reads her order');
    await expect(text(live)).resolves.toMatch(/^Failed: no quorum\. The read failed: only 1 of the 2 answers it needs/);
    await finish(o, 'quorum');
  });

  it('partition: in CP the cut-off station is unavailable; in AP both sides answer, diverge, and converge after the heal', async () => {
    const o = await open('/02-cap/');
    const figure = await show(o.page, 'partition');
    const live = figure.locator('[data-role="live"]');
    const status = figure.locator('[data-role="status"]');
    const station = figure.locator('[data-role="result-station"]');

    await figure.getByRole('button', { name: 'Cut the phone line' }).click();
    await expect(text(figure.locator('[data-role="line"]'))).resolves.toBe('✂ Phone line cut');
    await figure.getByRole('button', { name: 'Ben writes a new order' }).click();
    await expect(station.getAttribute('class')).resolves.toContain('is-refused');
    await expect(text(station)).resolves.toMatch(/^✗ Unavailable\. Barista 3 heard from only 1 of 3 baristas within 60 ms \(CP needs 2\)/);
    await expect(text(live)).resolves.toMatch(/^Ben's write at barista 3: unavailable\. Barista 3 heard from only 1 of 3 baristas/);
    await figure.getByRole('button', { name: 'Ada writes a new order' }).click();
    await expect(text(live)).resolves.toMatch(/^Ada wrote ‘oat flat white’ at barista 1 \(confirmed with a majority\)\. The branches disagree/);

    // AP, chosen from the keyboard: arrow keys move between the radio buttons.
    await figure.getByRole('radio', { name: /^CP/ }).focus();
    await o.page.keyboard.press('ArrowRight');
    await expect(figure.getByRole('radio', { name: /^AP/ }).isChecked()).resolves.toBe(true);
    await expect(text(live)).resolves.toMatch(/^AP: every barista answers/);
    await figure.getByRole('button', { name: 'Ben writes a new order' }).click();
    await expect(station.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(status)).resolves.toBe('⚠ Diverged: the original branch has ‘oat flat white’, the station branch has ‘black coffee’.');
    await figure.getByRole('button', { name: 'Ada reads' }).click();
    await expect(text(live)).resolves.toMatch(/^Ada read ‘oat flat white’ at barista 1 \(answered from its own notepad\)\./);

    await expect(text(status)).resolves.not.toMatch(/Converged/);
    await figure.getByRole('button', { name: 'Heal the phone line' }).click();
    await expect(text(status)).resolves.toBe('✓ Converged: every barista has ‘black coffee’.');
    await expect(text(live)).resolves.toMatch(
      /^Phone line healed\. The baristas swapped notepads and converged on ‘black coffee’, written at \d+ ms by barista 3: last writer wins\. Lost: ‘oat flat white’ \(written at \d+ ms by barista 1\)/,
    );
    await finish(o, 'partition');
  });

  // The check itself can fail: low-contrast text planted in a figure is caught in its region.
  it('axe catches a contrast failure planted inside a diagram', async () => {
    const o = await open('/02-cap/');
    await show(o.page, 'partition');
    await o.page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Hard to read';
      // Close to the background in either theme, but not equal (axe leaves 1:1 text for review).
      p.style.color = 'var(--sl-color-gray-5)';
      document.querySelector('figure[data-diagram="partition"] [data-role="stage"]')!.append(p);
    });
    expect((await axe(o.page, 'partition')).some((v) => v.includes('color-contrast'))).toBe(true);
    await o.page.context().close();
  });
});
