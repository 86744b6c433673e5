/**
 * The Raft diagram of chapter 6 in Chromium. Driven by keyboard and pointer, it elects a leader,
 * commits a customer's order, replaces a crashed leader in a higher term, and refuses a till with
 * a stale log; Figure 8, stepped with the paper's rule, never commits the term-2 entry in (c) and
 * loses nothing in (d), and with the unsafe rule marks it committed in (c) and says plainly in (d)
 * that a committed entry was lost. The page logs no error, its globals stay real after the
 * simulations ran, and axe finds nothing in either theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBuiltSite } from './browser.ts';
import { finishDiagram, openPage, showDiagram, text } from './diagram-page.ts';

const site = useBuiltSite({ beforeAll, afterAll });

const open = (path: string) => openPage(site, path);
const show = showDiagram;
const finish = finishDiagram;

describe('the Raft diagram', () => {
  it('is in the page as words before it loads', async () => {
    const o = await open('/06-consensus/');
    const figure = o.page.locator('figure[data-diagram="raft"]');
    await expect(figure.getAttribute('data-state')).resolves.toBe('idle');
    await expect(text(figure.locator('[data-role="fallback"]'))).resolves.toMatch(/^In short: /);
    const described = await figure.getAttribute('aria-describedby');
    await expect(text(o.page.locator(`#${described}`))).resolves.toMatch(/^.{200,}$/);
    await expect(figure.locator('[aria-live="polite"]').count()).resolves.toBe(1);
    await o.page.context().close();
  });

  it('elects a leader, commits an order, replaces a crashed leader in a higher term, and refuses a stale till', async () => {
    const o = await open('/06-consensus/');
    const figure = await show(o.page, 'raft');
    const live = figure.locator('[data-role="live"]');
    const result = figure.locator('[data-role="result"]');
    const status = figure.locator('[data-role="status"]');
    const rows = figure.locator('[data-role="rows"] tr');
    const press = (name: string) => figure.getByRole('button', { name, exact: true }).click();

    await expect(text(status)).resolves.toBe('No leader yet.');
    await expect(text(figure.locator('[data-role="clock"]'))).resolves.toBe('Virtual time: 0 ms');
    await expect(rows.count()).resolves.toBe(5);
    await expect(text(rows.nth(0))).resolves.toMatch(/^S1 Riverside Follower 0 nobody empty/);

    // Keyboard: focus "Run until a leader" and press Enter.
    const elect = figure.getByRole('button', { name: 'Run until a leader' });
    await elect.focus();
    expect(await elect.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe('none');
    await o.page.keyboard.press('Enter');
    const first = (await text(result)).match(/^★ (S[1-5]) leads term 1\. Ran \d+ ms, to \d+ ms\. \1 timed out first and won with votes from /);
    expect(first).not.toBeNull();
    const leader = first![1]!;
    await expect(text(live)).resolves.toMatch(new RegExp(`^${leader} leads term 1\\.`));
    await expect(text(status)).resolves.toMatch(new RegExp(`^${leader} \\(\\w+\\) leads term 1 and sends heartbeats every 50 ms\\.$`));
    await expect(figure.locator('[data-role="rows"] tr.is-leader').count()).resolves.toBe(1);
    await expect(text(figure.locator('[data-role="rows"] tr.is-leader th'))).resolves.toMatch(new RegExp(`^${leader} `));
    await expect(text(figure.locator('[data-role="rows"] tr.is-leader'))).resolves.toContain('★ Leader');
    await expect(text(figure.locator('[data-role="events"]'))).resolves.toContain(`${leader} became leader of term 1, with votes from`);

    // Pointer: a customer's order goes through the leader and is committed on every till.
    await press('Client writes an entry');
    await expect(result.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(result)).resolves.toMatch(
      new RegExp(`^✓ Committed\\. Order 1 reached ${leader}, the leader of term 1, which appended it at index 1 and sent it to the others\\. .* once 3 of 5 tills had it, ${leader} committed it`),
    );
    await expect(text(live)).resolves.toMatch(/^Committed\. Order 1 reached/);
    await expect(figure.locator('[data-role="rows"] .raft-entry.is-committed').count()).resolves.toBe(5);
    await expect(text(figure.locator('[data-role="rows"] .raft-entry').first())).resolves.toBe('1✓index 1: term 1, order 1, committed');

    // Crash the leader: the others elect a new one, in a higher term.
    await press(`Crash ${leader}`);
    await expect(text(live)).resolves.toMatch(new RegExp(`^${leader} crashed\\. It keeps its term \\(1\\), its vote and its log on disk.* It was the leader`));
    const crashedRow = figure.locator('[data-role="rows"] tr.is-crashed');
    await expect(text(crashedRow)).resolves.toMatch(new RegExp(`^${leader} \\w+ ✗ Crashed 1 ${leader} `));
    await expect(figure.getByRole('button', { name: `Restart ${leader}` }).isVisible()).resolves.toBe(true);
    await expect(figure.getByRole('button', { name: `Time out ${leader}` }).isDisabled()).resolves.toBe(true);
    await press('Run until a leader');
    const second = (await text(result)).match(/^★ (S[1-5]) leads term (\d+)\./);
    expect(second).not.toBeNull();
    const next = second![1]!;
    expect(next).not.toBe(leader);
    expect(Number(second![2])).toBeGreaterThan(1);

    // The election restriction: a follower misses two committed orders, comes back, and is made
    // to time out before the leader catches it up: every other till refuses it for its log.
    const rowsText = await Promise.all([0, 1, 2, 3, 4].map((i) => text(rows.nth(i))));
    const stale = ['S1', 'S2', 'S3', 'S4', 'S5'].find((id, i) => id !== next && id !== leader && !rowsText[i]!.includes('Crashed'))!;
    await press(`Crash ${stale}`);
    await press('Client writes an entry');
    await expect(text(result)).resolves.toMatch(/^✓ Committed\. Order 2 /);
    await press('Client writes an entry');
    await expect(text(result)).resolves.toMatch(/^✓ Committed\. Order 3 /);
    await press(`Restart ${stale}`);
    await expect(text(live)).resolves.toMatch(new RegExp(`^${stale} restarted as a follower in term \\d+, with its log \\(1 entry\\)`));
    // Keyboard again, on the row's own button.
    await figure.getByRole('button', { name: `Time out ${stale}` }).focus();
    await o.page.keyboard.press('Enter');
    await expect(result.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(result)).resolves.toMatch(new RegExp(`^✗ ${stale} lost\\. ${stale} started an election for term \\d+ and voted for itself\\. Refused by `));
    await expect(text(result)).resolves.toContain(`${stale}'s log (last term 1, 1 entry) is less up to date than its own (last term `);
    await expect(text(result)).resolves.toContain('With 1 of 5 votes it is not leader; a majority is 3.');
    await expect(text(live)).resolves.toMatch(new RegExp(`^${stale} lost\\.`));
    // Focus stayed on the button that was pressed.
    await expect(figure.getByRole('button', { name: `Time out ${stale}` }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    // A till with both orders wins the next election.
    await press('Run until a leader');
    const third = (await text(result)).match(/^★ (S[1-5]) leads term (\d+)\./);
    expect(third).not.toBeNull();
    expect(third![1]).not.toBe(stale);

    // Time moves only when asked.
    const before = Number((await text(figure.locator('[data-role="clock"]'))).match(/(\d+) ms/)![1]);
    await press('Run 100 ms');
    await expect(text(figure.locator('[data-role="clock"]'))).resolves.toBe(`Virtual time: ${before + 100} ms`);
    await expect(text(live)).resolves.toMatch(/^Ran 100 ms, to \d+ ms\./);
    await finish(o, 'raft');
  });

  it('Figure 8: the paper’s rule commits nothing in (c) and loses nothing in (d); the unsafe rule loses a committed entry', async () => {
    const o = await open('/06-consensus/');
    const figure = await show(o.page, 'raft');
    const live = figure.locator('[data-role="live"]');
    const story = figure.locator('[data-role="fig8-text"]');
    const current = figure.locator('[data-role="steps"] [aria-current="step"]');
    const rows = figure.locator('[data-role="fig8-rows"] tr');
    const next = figure.getByRole('button', { name: /^Next step/ });
    const unsafe = figure.getByRole('checkbox', { name: 'Commit by counting replicas of any term (unsafe)' });
    /** The terms in a till's log, as the boxes show them, with ✓ on the committed ones. */
    const boxes = (i: number) => rows.nth(i).locator('.raft-entry > [aria-hidden="true"]').allTextContents();

    await expect(text(current)).resolves.toBe('▶ Start');
    await expect(text(story)).resolves.toMatch(/^Start: term 1\. S5 led term 1/);
    await expect(unsafe.isChecked()).resolves.toBe(false);

    // The paper's rule, by keyboard: Next step three times to (c).
    await next.focus();
    await o.page.keyboard.press('Enter');
    await expect(text(current)).resolves.toBe('▶ (a)');
    await expect(text(story)).resolves.toMatch(/^\(a\) S1 leads term 2\. S1 timed out and won term 2 with votes from S2, S3, S4 and S5/);
    await o.page.keyboard.press('Enter');
    await expect(text(story)).resolves.toContain('S3 and S4 voted for it. S2 refused: its last entry is from term 2, later than S5');
    await o.page.keyboard.press('Enter');
    await expect(text(current)).resolves.toBe('▶ (c)');
    await expect(text(story)).resolves.toContain('it is now on S1, S2 and S3, a majority.');
    await expect(text(story)).resolves.toContain('⏳ Not committed. S1 does not count the replicas of the cortado: it is from term 2, and S1 leads term 4.');
    expect(await boxes(0)).toEqual(['1', '2', '4']); // S1 restarted: it knows nothing is committed yet
    expect(await boxes(1)).toEqual(['1✓', '2']);
    await expect(text(rows.nth(0))).resolves.toContain('index 2: term 2, cortado, not committed');
    await expect(text(rows.nth(4))).resolves.toMatch(/^S5 Northside ✗ Crashed 3 /);
    await expect(text(live)).resolves.toMatch(/^\(c\) S5 crashes; S1 restarts and leads term 4\./);

    await o.page.keyboard.press('Enter');
    await expect(text(current)).resolves.toBe('▶ (d)');
    await expect(story.getAttribute('class')).resolves.toContain('is-fresh');
    await expect(text(story)).resolves.toContain('won term 5 with votes from S2, S3 and S4');
    await expect(text(story)).resolves.toContain('✓ No committed entry was lost. The cortado was never committed');
    for (const i of [1, 2, 3]) expect((await boxes(i)).map((b) => b.replace('✓', ''))).toEqual(['1', '3']);

    await o.page.keyboard.press('Enter');
    await expect(text(current)).resolves.toBe('▶ (e) other ending');
    await expect(text(story)).resolves.toContain('✓ Committed, and safe. S5 can no longer win an election');
    for (const i of [0, 1, 2]) expect(await boxes(i)).toEqual(['1✓', '2✓', '4✓']);
    await expect(next.isDisabled()).resolves.toBe(true);
    // Next is done, so the keyboard is handed to Start over.
    await expect(figure.getByRole('button', { name: 'Start over' }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);

    // The unsafe rule, from the keyboard: Space on the checkbox replays the same step with it.
    await unsafe.focus();
    await o.page.keyboard.press('Space');
    await expect(unsafe.isChecked()).resolves.toBe(true);
    await expect(text(live)).resolves.toMatch(/^Unsafe rule on: a leader commits an entry of any term once a majority stores it\. Replayed to step \(e\)\./);

    // Pointer: start over and step to (c) and (d).
    await figure.getByRole('button', { name: 'Start over' }).click();
    await expect(text(current)).resolves.toBe('▶ Start');
    for (let i = 0; i < 3; i++) await next.click();
    await expect(text(current)).resolves.toBe('▶ (c)');
    await expect(story.getAttribute('class')).resolves.toContain('is-stale');
    await expect(text(story)).resolves.toContain('⚠ The cortado marked committed. With the unsafe rule S1 counts replicas of any term');
    expect(await boxes(0)).toEqual(['1✓', '2✓', '4']);
    expect(await boxes(1)).toEqual(['1✓', '2✓']);
    await expect(text(rows.nth(0))).resolves.toContain('index 2: term 2, cortado, committed');

    await next.click();
    await expect(text(current)).resolves.toBe('▶ (d)');
    await expect(story.getAttribute('class')).resolves.toContain('is-refused');
    await expect(text(story)).resolves.toContain(
      '✗ A committed entry was lost. The cortado, which S1 marked committed in (c), has been deleted from S2 and S3 and replaced by the mocha.',
    );
    await expect(text(live)).resolves.toContain('A committed entry was lost.');
    // S2 still believes index 2 is committed; what it holds there now is the mocha, term 3.
    expect(await boxes(1)).toEqual(['1✓', '3✓']);
    await expect(text(rows.nth(1))).resolves.toContain('index 2: term 3, mocha, committed');

    // Back to the paper's rule, by pointer: the same step loses nothing.
    await unsafe.click();
    await expect(text(live)).resolves.toMatch(/^The paper's rule again: .* Replayed to step \(d\)\./);
    await expect(text(story)).resolves.toContain('✓ No committed entry was lost.');
    await finish(o, 'raft');
  });
});
