/**
 * The Paxos diagram of chapter 6 in Chromium: none of its code loads before the reader scrolls
 * to it; driven by keyboard and pointer, it holds messages in flight until they are delivered or
 * dropped, says when a value is chosen (before anyone has learned it) and who has learned it,
 * shows a duel that never ends under unlucky timing and ends in order, and, with promises kept
 * only in memory, shows and explains two chosen values after a restart. The page logs no error,
 * its globals stay real after the simulation ran, and axe finds nothing in either theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBuiltSite } from './browser.ts';
import { finishDiagram, openPage, showDiagram, text, type Opened } from './diagram-page.ts';

const site = useBuiltSite({ beforeAll, afterAll });
const KIND = 'paxos';
const PAXOS_CODE = /\/_astro\/paxos\.[\w-]+\.js$/;

const open = (path: string) => openPage(site, path);
const show = (page: Page) => showDiagram(page, KIND);
const finish = (o: Opened) => finishDiagram(o, KIND);

/** The text of the element that has focus. */
const focused = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('the Paxos diagram', () => {
  it('loads nothing of its own until scrolled to, and then brings its own styles', async () => {
    const o = await open('/06-consensus/');
    const { page, scripts } = o;
    const figure = page.locator(`figure[data-diagram="${KIND}"]`);
    await expect(figure.getAttribute('data-state')).resolves.toBe('idle');
    await expect(text(figure.locator('[data-role="fallback"]'))).resolves.toMatch(/^In short: /);
    const described = await figure.getAttribute('aria-describedby');
    await expect(text(page.locator(`#${described}`))).resolves.toMatch(/^.{200,}$/);
    await expect(figure.locator('[aria-live="polite"]').count()).resolves.toBe(1);
    expect(scripts.filter((s) => PAXOS_CODE.test(s))).toEqual([]);
    await expect(page.locator('style#diagram-paxos-css').count()).resolves.toBe(0);

    await show(page);
    expect(scripts.some((s) => PAXOS_CODE.test(s))).toBe(true);
    await expect(page.locator('style#diagram-paxos-css').count()).resolves.toBe(1);
    await expect(page.locator('style#diagrams-css').count()).resolves.toBe(1);
    // Three acceptors, two proposers, the menu board, nothing in flight and nothing chosen yet.
    await expect(figure.locator('[data-role="acceptors"] > li').count()).resolves.toBe(3);
    await expect(figure.locator('[data-role="proposers"] > li').count()).resolves.toBe(2);
    await expect(text(figure.locator('[data-role="flight"]'))).resolves.toBe('Nothing in flight.');
    await expect(text(figure.locator('[data-role="chosen"]'))).resolves.toMatch(/^Nothing is chosen yet\./);
    expect([...o.w.pageErrors, ...o.w.consoleErrors]).toEqual([]);
    await page.context().close();
  });

  it('steps one round by keyboard and pointer: chosen by the acceptors before anyone learns it, then learned', async () => {
    const o = await open('/06-consensus/');
    const { page } = o;
    const figure = await show(page);
    const live = figure.locator('[data-role="live"]');
    const chosen = figure.locator('[data-role="chosen"]');
    const flight = figure.locator('[data-role="flight"] > li');
    const button = (name: string) => figure.getByRole('button', { name, exact: true });

    // Keyboard: focus the proposal button and press Enter.
    const propose = button('P1 proposes ‘latte’');
    await propose.focus();
    expect(await propose.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toBe('P1 starts a round for ‘latte’ with ballot (1, P1): prepare(1, P1) sent to A1, A2 and A3. 3 messages in flight.');
    await expect(flight.count()).resolves.toBe(3);
    await expect(text(flight.first())).resolves.toMatch(/^P1 → to A1: prepare\(1, P1\) new Deliver/);
    await expect(text(figure.locator('[data-role="flight-name"]'))).resolves.toBe('Messages in flight (3), oldest first');

    // Pointer: deliver one message from the list; focus moves to the next message's button.
    await button('Deliver prepare(1, P1) from P1 to A1').click();
    await expect(text(live)).resolves.toBe(
      'Delivered prepare(1, P1) from P1 to A1. A1 promised (1, P1), writing it to disk first, and reports that it has accepted nothing. 3 messages in flight.',
    );
    expect(await focused(page)).toBe('Deliver prepare(1, P1) from P1 to A2');
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toMatch(/^Delivered prepare\(1, P1\) from P1 to A2\. A2 promised \(1, P1\)/);

    // Drop the prepare to A3: it never hears it.
    await button('Drop prepare(1, P1) from P1 to A3').click();
    await expect(text(live)).resolves.toBe('Dropped prepare(1, P1) from P1 to A3: A3 will never receive it. 2 messages in flight.');
    await expect(text(figure.locator('[data-role="acceptors"] > li').nth(2))).resolves.toMatch(
      /^A3 ✓ up Promised: nothing Accepted: nothing Kept on disk Crash A3$/,
    );

    // The two promises, oldest first: P1 has its majority and, with nothing reported, proposes its own value.
    await button('Deliver next message').click();
    await button('Deliver next message').click();
    await expect(text(live)).resolves.toContain(
      'P1 has promises from a majority (A1 and A2) for (1, P1). None reported an accepted value, so P1 proposes its own ‘latte’: accept sent to every acceptor.',
    );
    await expect(text(figure.locator('[data-role="proposers"] > li').first())).resolves.toContain('Phase 2, (1, P1) ‘latte’: accepted by none yet (needs 2).');

    await button('Deliver accept(1, P1) ‘latte’ from P1 to A1').click();
    await expect(text(chosen)).resolves.toMatch(/^Nothing is chosen yet\./);
    await button('Deliver accept(1, P1) ‘latte’ from P1 to A2').click();
    // A fact about the acceptors, though nobody has heard yet.
    await expect(text(chosen)).resolves.toBe(
      '✓ Chosen: ‘latte’. A1 and A2 accepted (1, P1), a majority of 3. That is a fact about the acceptors. No proposer and no learner knows yet.',
    );
    await expect(chosen.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(live)).resolves.toContain('‘latte’ is now chosen: A1 and A2 accepted (1, P1) ‘latte’, a majority of 3. Nobody knows it yet');
    await expect(text(figure.locator('[data-role="acceptors"] > li').first())).resolves.toBe(
      'A1 ✓ up Promised: (1, P1) Accepted: (1, P1) ‘latte’ Kept on disk Crash A1',
    );
    await expect(text(figure.locator('[data-role="board"]'))).resolves.toContain('Learned: nothing yet');

    await button('Run until quiet').click();
    await expect(text(chosen)).resolves.toContain('P1 and the menu board (L) have learned it; P2 has not yet.');
    await expect(text(figure.locator('[data-role="flight-name"]'))).resolves.toBe('Messages in flight (0), oldest first');
    await expect(text(figure.locator('[data-role="board"]'))).resolves.toContain('Learned: ‘latte’, from A1 and A2 accepting (1, P1)');
    await expect(text(figure.locator('[data-role="proposers"] > li').first())).resolves.toContain('Learned: ‘latte’ is chosen');

    // Crash an acceptor from the keyboard: its button becomes Restart, and keeps the focus.
    await button('Crash A2').focus();
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toBe('A2 crashed. Its promise and accepted proposal are on disk and survive. Nothing is in flight.');
    expect(await focused(page)).toBe('Restart A2');
    await expect(text(figure.locator('[data-role="acceptors"] > li').nth(1))).resolves.toMatch(
      /^A2 ✗ down Promised: \(1, P1\) Accepted: \(1, P1\) ‘latte’ On disk, for the restart Restart A2$/,
    );
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toBe('A2 restarted and read back from disk: promised (1, P1), accepted (1, P1) ‘latte’. Nothing is in flight.');

    // The history keeps every step, in words.
    await figure.locator('details.paxos-log summary').click();
    await expect(figure.locator('[data-role="log"] > li').count()).resolves.toBeGreaterThan(8);
    await finish(o);
  });

  it('duel: under unlucky timing the proposers keep pre-empting each other; delivered in order, one value wins', async () => {
    const o = await open('/06-consensus/');
    const figure = await show(o.page);
    const live = figure.locator('[data-role="live"]');
    const chosen = figure.locator('[data-role="chosen"]');
    const button = (name: string) => figure.getByRole('button', { name, exact: true });

    await button('Duel: both propose and keep retrying').click();
    await expect(text(live)).resolves.toMatch(/^Duel: P1 and P2 propose, and each answers every refusal with a higher number at once/);
    await expect(figure.locator('[data-role="flight"] > li').count()).resolves.toBe(6);
    const unlucky = button('Deliver next, accepts last');
    await unlucky.focus();
    for (let i = 0; i < 40; i++) await o.page.keyboard.press('Enter');
    // Each proposer was refused and started again higher, and still nothing is chosen.
    await figure.locator('details.paxos-log summary').click();
    const log = await text(figure.locator('[data-role="log"]'));
    expect(log).toMatch(/P1 was refused: A\d has promised \(\d+, P2\)/);
    expect(log).toMatch(/P2 was refused: A\d has promised \(\d+, P1\)/);
    await expect(text(chosen)).resolves.toMatch(/^Nothing is chosen yet\./);
    for (const i of [0, 1])
      await expect(text(figure.locator('[data-role="proposers"] > li').nth(i))).resolves.toContain('⚔ Duelling: retries at once after a refusal.');

    await button('Run until quiet').click();
    await expect(text(chosen)).resolves.toMatch(/^✓ Chosen: ‘(latte|mocha)’\. .* P1, P2 and the menu board \(L\) have learned it\./);
    await expect(text(live)).resolves.toMatch(/Delivered \d+ messages, oldest first; nothing is left in flight\./);
    await expect(figure.getByText('⚔ Duelling', { exact: false }).count()).resolves.toBe(0);
    await finish(o);
  });

  it('with promises kept only in memory, a restarted acceptor lets two values be chosen, and the diagram says why', async () => {
    const o = await open('/06-consensus/');
    const { page } = o;
    const figure = await show(page);
    const live = figure.locator('[data-role="live"]');
    const chosen = figure.locator('[data-role="chosen"]');
    const showMe = figure.getByRole('button', { name: 'Show me: an acceptor restarts mid-decision', exact: true });

    // The toggle, from the keyboard.
    const disk = figure.getByRole('checkbox', { name: 'Acceptors keep promises on disk' });
    await expect(disk.isChecked()).resolves.toBe(true);
    await disk.focus();
    await page.keyboard.press('Space');
    await expect(disk.isChecked()).resolves.toBe(false);
    await expect(text(live)).resolves.toBe(
      'Acceptors now keep promises only in memory. Started over with 3 acceptors (a majority is 2); acceptors keep their promises only in memory, so a crash and restart forgets them.',
    );

    await showMe.click();
    await expect(chosen.getAttribute('class')).resolves.toContain('is-refused');
    await expect(text(chosen)).resolves.toBe(
      '⚠ Agreement broken: two values were chosen. ‘latte’ when A1 and A2 accepted (1, P1) and ‘mocha’ when A2 and A3 accepted (1, P2). Why: A2 was in the majority that chose ‘latte’, but kept its promise and accepted value only in memory: it crashed and restarted having forgotten that it accepted (1, P1) ‘latte’. Its answer to a later prepare no longer mentioned ‘latte’, so P2 was free to propose ‘mocha’ at (1, P2), and a majority including A2 accepted it. P1 learned ‘latte’ and P2 learned ‘mocha’. With “Acceptors keep promises on disk” on, the same steps choose only one value.',
    );
    const said = await text(live);
    expect(said).toMatch(/^Played from the start, with promises kept only in memory\./);
    expect(said).toContain('A2 crashed, and with it what it kept only in memory: its promise (1, P1) and its accepted (1, P1) ‘latte’.');
    expect(said).toContain('A2 restarted blank: it remembers no promise and no accepted value.');
    expect(said).toContain(
      'A second value is chosen: A2 and A3 accepted (1, P2) ‘mocha’, a majority of 3, though ‘latte’ was chosen before. Agreement is broken.',
    );
    expect(said).toContain('Agreement broken: two values were chosen.');
    await expect(text(figure.locator('[data-role="acceptors"] > li').nth(1))).resolves.toContain('Accepted: (1, P2) ‘mocha’ Kept in memory only');

    // A crashed acceptor with nothing on disk shows that its memory is gone.
    await figure.getByRole('button', { name: 'Crash A1', exact: true }).click();
    await expect(text(figure.locator('[data-role="acceptors"] > li').first())).resolves.toBe('A1 ✗ down ✗ Memory lost in the crash Restart A1');

    // Promises on disk again (pointer this time): the same steps keep one value.
    await disk.click();
    await expect(text(live)).resolves.toMatch(/^Acceptors now keep promises on disk\. Started over with 3 acceptors/);
    await showMe.click();
    await expect(text(chosen)).resolves.toMatch(
      /^✓ Chosen: ‘latte’\. A1 and A2 accepted \(1, P1\), a majority of 3\. .* Later ballots carried the same value: \(1, P2\)\.$/,
    );
    await expect(text(live)).resolves.toContain(
      'A2 reported (1, P1) ‘latte’, the highest-numbered proposal reported, so P2 must propose ‘latte’, not its own ‘mocha’: accept sent to every acceptor.',
    );

    // Five acceptors, chosen with the arrow keys: the overlap is A3.
    await figure.getByRole('radio', { name: /^3/ }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(figure.getByRole('radio', { name: /^5/ }).isChecked()).resolves.toBe(true);
    await expect(figure.locator('[data-role="acceptors"] > li').count()).resolves.toBe(5);
    await disk.click();
    await showMe.click();
    await expect(text(chosen)).resolves.toMatch(
      /^⚠ Agreement broken: two values were chosen\. ‘latte’ when A1, A2 and A3 accepted \(1, P1\) and ‘mocha’ when A3, A4 and A5 accepted \(1, P2\)\. Why: A3 was in the majority/,
    );
    await finish(o);
  });
});
