/**
 * The ZooKeeper lock diagram of chapter 6 in Chromium: its code loads only when the reader
 * scrolls to it; driven by keyboard and pointer it shows the lock node's children with who
 * holds and who watches whom, counts one watch event per release with the recipe as written
 * and every waiter with the herd toggle, shows two holders when the holder is paused past its
 * session timeout, and a roaster that refuses the stale holder's order once it checks fencing
 * tokens (and takes it when it does not); a crashed holder's lock passes on when its session
 * expires. The page logs no error, its globals stay real, and axe finds nothing in either theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { useBuiltSite } from './browser.ts';
import { finishDiagram, openPage, showDiagram, text } from './diagram-page.ts';

const site = useBuiltSite({ beforeAll, afterAll });
const KIND = 'zk-lock';
const CHUNK = /\/_astro\/zk-lock\.[\w-]+\.js$/;

const open = (path: string) => openPage(site, path);
const show = showDiagram;
const finish = finishDiagram;

/** A znode's name as the diagram shows it: `<4 hex digits>-lock-<10 digits>`. */
const znode = (seq: number) => `[0-9a-f]{4}-lock-${String(seq).padStart(10, '0')}`;
const clockOf = async (figure: Locator) => Number((await text(figure.locator('[data-role="clock"]'))).match(/^Virtual time: (\d+) ms$/)![1]);

describe('the ZooKeeper lock diagram', () => {
  it('zk-lock: one wake-up per release, the herd wakes all; a paused holder is fenced off; a crashed holder’s lock passes on at expiry', async () => {
    const o = await open('/06-consensus/');
    const { page } = o;
    const pre = page.locator(`figure[data-diagram="${KIND}"]`);
    await expect(pre.getAttribute('data-state')).resolves.toBe('idle');
    await expect(text(pre.locator('[data-role="fallback"]'))).resolves.toMatch(/^In short: /);
    const described = await pre.getAttribute('aria-describedby');
    await expect(text(page.locator(`#${described}`))).resolves.toMatch(/^.{200,}$/);
    expect(o.scripts.filter((s) => CHUNK.test(s))).toEqual([]);

    const figure = await show(page, KIND);
    expect(o.scripts.some((s) => CHUNK.test(s))).toBe(true);
    await expect(page.locator('style#diagram-zk-lock-css').count()).resolves.toBe(1);
    const live = figure.locator('[data-role="live"]');
    const rows = figure.locator('[data-role="children"] > li');
    const wake = figure.locator('[data-role="wake-change"]');
    const events = figure.locator('[data-role="wake-events"]');
    const relisted = figure.locator('[data-role="wake-relisted"]');
    const holders = figure.locator('[data-role="holders"]');
    const roaster = figure.locator('[data-role="roaster-result"]');
    const press = (name: string) => figure.getByRole('button', { name, exact: true }).click();

    // The chapter's picture: Riverside lowest and holding, each waiter watching the znode before its own.
    await expect(rows.count()).resolves.toBe(3);
    await expect(text(rows.nth(0))).resolves.toMatch(new RegExp(`^${znode(0)} Riverside ★ Lowest: Riverside holds the lock, token 0\\.$`));
    await expect(text(rows.nth(1))).resolves.toMatch(new RegExp(`^${znode(1)} Southside … Southside waits\\. ↑ watches ${znode(0)} \\(Riverside's\\)$`));
    await expect(text(rows.nth(2))).resolves.toMatch(new RegExp(`^${znode(2)} Northside … Northside waits\\. ↑ watches ${znode(1)} \\(Southside's\\)$`));
    await expect(figure.locator('.zk-arrow').count()).resolves.toBe(2);
    await expect(text(holders)).resolves.toBe('✓ One holder: Riverside (token 0).');

    // Keyboard: nothing is due yet, and the dimmed button says so rather than doing nothing.
    const next = figure.getByRole('button', { name: 'Wait until something happens' });
    await expect(next.getAttribute('aria-disabled')).resolves.toBe('true');
    await next.focus();
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toMatch(/^Nothing is due to happen on its own/);

    // Keyboard: Riverside releases; exactly one waiter wakes.
    const riverside = figure.getByRole('button', { name: 'Riverside releases the lock' });
    await riverside.focus();
    expect(await riverside.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(text(events)).resolves.toBe('1');
    await expect(text(relisted)).resolves.toBe('1');
    await expect(text(wake)).resolves.toMatch(
      /^↻ After the last release or expiry \(Riverside released the lock at \d+ ms\): 1 watch event fired \(at Southside\); 1 branch listed the children again \(Southside\)\. Southside got the lock\.$/,
    );
    await expect(text(live)).resolves.toMatch(
      new RegExp(
        `^Riverside released the lock at \\d+ ms, deleting ${znode(0)}\\. 1 watch event fired \\(at Southside\\) and 1 branch listed the children again \\(Southside\\)\\. At \\d+ ms Southside found its znode lowest: it holds the lock, token 1\\.$`,
      ),
    );
    // The same button, still focused, now asks again.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Riverside asks for the lock');

    // Pointer: the herd variant, then two more waiters and a release that wakes all three.
    await figure.getByRole('checkbox', { name: "Waiters watch the lock node's children (herd)" }).check();
    await expect(text(live)).resolves.toMatch(/^Herd variant: /);
    await press('Eastside asks for the lock');
    await press('Riverside asks for the lock');
    await expect(text(live)).resolves.toMatch(new RegExp(`^Riverside created ${znode(5)} under /locks/beans at \\d+ ms\\. 1 watch event fired \\(at Eastside\\)`));
    await expect(text(figure.locator('[data-role="child-watchers"]'))).resolves.toBe(
      '⤒ Watched (getChildren with a watch) by Riverside and Eastside: any change to the children wakes them all.',
    );
    await press('Southside releases the lock');
    await expect(text(events)).resolves.toBe('3');
    await expect(text(relisted)).resolves.toBe('3');
    await expect(wake.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(wake)).resolves.toMatch(/3 watch events fired \(at Northside, Eastside and Riverside\); 3 branches listed the children again .* Northside got the lock\. The herd: /);
    await expect(text(live)).resolves.toContain('3 watch events fired (at Northside, Eastside and Riverside) and 3 branches listed the children again');
    await expect(text(holders)).resolves.toBe('✓ One holder: Northside (token 2).');

    // Keyboard: the roaster starts checking tokens.
    await figure.getByRole('checkbox', { name: 'Roaster checks fencing tokens' }).focus();
    await page.keyboard.press('Space');
    await expect(figure.getByRole('checkbox', { name: 'Roaster checks fencing tokens' }).isChecked()).resolves.toBe(true);
    await expect(text(live)).resolves.toMatch(/^The roaster now checks fencing tokens/);

    // Northside freezes past its session timeout: Eastside gets the lock, Northside still believes it holds it.
    await press('Pause the holder past its session timeout');
    await expect(text(live)).resolves.toMatch(/^Northside froze at \d+ ms, a long garbage-collection pause, just as it went to order the bag with token 2\. At \d+ ms the service, having heard nothing from Northside for 500 ms, expired its session \d+ and deleted its znode\./);
    await expect(text(live)).resolves.toContain('Two branches now believe they hold the lock: Northside and Eastside.');
    await expect(holders.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(holders)).resolves.toMatch(/^⚠ Two holders: Northside \(token 2, paused; its session expired at \d+ ms\) and Eastside \(token 4\) each believe they hold the lock\.$/);
    await expect(text(figure.locator('[data-role="state-northside"]'))).resolves.toMatch(/^‖ Paused since \d+ ms\. It believes it holds the lock \(token 2\)\. Its session expired at \d+ ms, but it cannot know\.$/);
    await expect(text(rows.nth(0))).resolves.toMatch(new RegExp(`^${znode(4)} Eastside ★ Lowest: Eastside holds the lock, token 4\\.`));
    await expect(figure.getByRole('button', { name: 'Northside orders the bag' }).getAttribute('aria-disabled')).resolves.toBe('true');

    await press('Eastside orders the bag');
    await expect(text(roaster)).resolves.toBe('✓ Accepted. The roaster accepted Eastside\'s order with token 4; Eastside holds the lock.');
    await press('Resume Northside');
    await expect(roaster.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(roaster)).resolves.toMatch(/^✓ Refused: fenced off\. The roaster refused Northside's order with token 2: it had already accepted token 4, .* The bag is not ordered twice\.$/);
    await expect(text(live)).resolves.toMatch(
      /^Northside resumed at \d+ ms and carried on where it stopped, still believing it held the lock\. Northside sent the roaster its order with token 2 at \d+ ms\. Refused: fenced off\. .* At \d+ ms Northside heard that its session had expired and let go of the lock\.$/,
    );
    await expect(text(figure.locator('[data-role="orders"] > li.is-refused'))).resolves.toMatch(/^✗ \d+ ms: refused Northside's order, token 2$/);
    await expect(text(holders)).resolves.toBe('✓ One holder: Eastside (token 4).');

    // Crash the holder: its znode stays until the session expires, with the moment counted down.
    await press('Crash the holder');
    const crashed = (await text(live)).match(/^Eastside, the holder, crashed at (\d+) ms\. Its znode stays, and nobody else can have the lock, until the service expires its session at (\d+) ms \(in (\d+) ms\)/);
    expect(crashed).not.toBeNull();
    const [, crashMs, expiryMs, inMs] = crashed!.map(Number);
    expect(expiryMs! - crashMs!).toBe(inMs);
    expect(inMs).toBeLessThanOrEqual(505);
    await expect(figure.getByRole('button', { name: 'Crash the holder' }).getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(text(figure.locator('[data-role="state-eastside"]'))).resolves.toBe(`✗ Crashed at ${crashMs} ms. Its session expires at ${expiryMs} ms (in ${inMs} ms) unless the service hears from it.`);
    await press('Wait 100 ms');
    expect(await clockOf(figure)).toBe(crashMs! + 100);
    await expect(text(figure.locator('[data-role="state-eastside"]'))).resolves.toContain(`expires at ${expiryMs} ms (in ${inMs! - 100} ms)`);
    await expect(text(rows.nth(0))).resolves.toMatch(/ Eastside ✗ Left by Eastside's crashed process: .* Until then nobody can have the lock\.$/);
    await expect(text(holders)).resolves.toMatch(/^– Nobody believes it holds the lock/);

    await next.focus();
    await page.keyboard.press('Enter');
    await expect(text(live)).resolves.toMatch(
      new RegExp(
        `^Waited \\d+ ms; now \\d+ ms\\. At ${expiryMs} ms the service, having heard nothing from Eastside for 500 ms, expired its session \\d+ and deleted its znode\\. 1 watch event fired \\(at Riverside\\) and 1 branch listed the children again \\(Riverside\\)\\. At \\d+ ms Riverside found its znode lowest: it holds the lock, token 5\\.$`,
      ),
    );
    await expect(text(events)).resolves.toBe('1');
    await expect(text(wake)).resolves.toContain(`(the service expired Eastside's session at ${expiryMs} ms)`);
    await expect(text(figure.locator('[data-role="state-eastside"]'))).resolves.toBe(`✗ Crashed at ${crashMs} ms. Its session expired at ${expiryMs} ms, and its znode with it.`);
    await expect(text(holders)).resolves.toBe('✓ One holder: Riverside (token 5).');
    await finish(o, KIND);
  });

  it('zk-lock: without fencing, the roaster takes the paused holder’s late order too: two holders at the resource', async () => {
    const o = await open('/06-consensus/');
    const figure = await show(o.page, KIND);
    const press = (name: string) => figure.getByRole('button', { name, exact: true }).click();
    await press('Pause the holder past its session timeout');
    await expect(text(figure.locator('[data-role="holders"]'))).resolves.toMatch(/^⚠ Two holders: Riverside \(token 0, paused; .*\) and Southside \(token 1\) each believe they hold the lock\.$/);
    await press('Southside orders the bag');
    await press('Resume Riverside');
    const roaster = figure.locator('[data-role="roaster-result"]');
    await expect(roaster.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(roaster)).resolves.toBe(
      "⚠ Two holders. The roaster accepted Riverside's order with token 0, but Riverside no longer held the lock: Southside does (token 1). The roaster does not check fencing tokens, so it took it. The roaster has now accepted 2 orders for the one bag.",
    );
    await expect(figure.locator('[data-role="orders"] > li.is-accepted').count()).resolves.toBe(2);
    await finish(o, KIND);
  });
});
