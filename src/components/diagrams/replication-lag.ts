/**
 * Replication lag: Ada writes to the head barista, who forwards the change to two followers
 * over a simulated network; each follower's lag is a slider. Reads go to any barista, and a
 * read that misses Ada's own latest write is shown, and said, to be stale. Virtual time stands
 * still between actions; Wait moves it forward, animating the messages on their way.
 */
import { FOLLOWERS, LAG_MAX_MS, LEADER, LagModel, BASE_DELAY_MS, type ReadResult, type Write } from './internal/lag-model.ts';
import { cap, esc, list, lower, nameOf, plural, reducedMotion, sliderHtml, stage, syncSlider } from './internal/ui.ts';

const WAIT_MS = 50;
const BOX = { w: 170, h: 56 };
const AT: Record<string, [number, number]> = { 'barista-1': [150, 82], 'barista-2': [410, 14], 'barista-3': [410, 150] };
const ADA: [number, number] = [44, 110];

const drinkText = (w: Write | null): string => (w ? `#${w.n} ${w.drink}` : 'nothing yet');
const quoted = (w: Write | null): string => (w ? `write #${w.n}, ‘${w.drink}’` : 'nothing');

export function mount(root: HTMLElement): void {
  const model = new LagModel();
  const ids = [LEADER, ...FOLLOWERS];
  const { $, announce } = stage(
    root,
    `<svg data-role="svg" class="lag-svg" viewBox="0 0 600 220" role="img"></svg>
    <div class="diagram-controls" role="group" aria-label="Replication lag">
      ${FOLLOWERS.map((f) => sliderHtml(`lag-${f}`, `Lag to ${lower(f)} (ms)`, BASE_DELAY_MS, LAG_MAX_MS, model.lagOf(f), 10)).join('')}
    </div>
    <div class="diagram-controls" role="group" aria-label="Ada's requests">
      <button type="button" data-action="write">Ada writes a new order</button>
      ${ids.map((id) => `<button type="button" data-read="${id}">Read from ${lower(id)}${id === LEADER ? ' (head)' : ''}</button>`).join('')}
    </div>
    <div class="diagram-controls" role="group" aria-label="Virtual time">
      <span class="diagram-clock" data-role="clock"></span>
      <button type="button" data-action="wait">Wait ${WAIT_MS} ms</button>
      <button type="button" data-action="catch-up">Wait until the followers catch up</button>
    </div>
    <p class="diagram-result" data-role="result">Ada's usual order is on every notepad as write #1. Write a new one, then read it back from a follower before its lag has passed.</p>`,
  );
  const svg = $<SVGSVGElement>('svg');
  const result = $('result');
  let lastRead: ReadResult | undefined;
  let shownMs = model.nowMs;
  let animation: { frame: number; target: number } | undefined;

  function box(id: string): string {
    const [x, y] = AT[id]!;
    const stale = lastRead?.stale && lastRead.from === id && lastRead.atMs === model.nowMs;
    return `<g class="lag-node${stale ? ' is-stale' : ''}"><rect x="${x}" y="${y}" width="${BOX.w}" height="${BOX.h}" rx="6"/>
      <text x="${x + 10}" y="${y + 22}" class="lag-name">${nameOf(id)}${id === LEADER ? ' · head' : ''}${stale ? ' · ⚠ stale' : ''}</text>
      <text x="${x + 10}" y="${y + 42}">${esc(drinkText(model.notepad(id)))}</text></g>`;
  }

  function draw(): void {
    const [lx, ly] = AT[LEADER]!;
    const from: [number, number] = [lx + BOX.w, ly + BOX.h / 2];
    const links = FOLLOWERS.map((f) => {
      const [x, y] = AT[f]!;
      const to: [number, number] = [x, y + BOX.h / 2];
      const mid: [number, number] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
      // Left of the line's middle, above the upper link and below the lower one: clear of both.
      return `<line class="lag-link" x1="${from[0]}" y1="${from[1]}" x2="${to[0]}" y2="${to[1]}"/>
        <text class="lag-label" x="${mid[0] - 8}" y="${mid[1] + (to[1] < from[1] ? -6 : 16)}" text-anchor="end">lag ${model.lagOf(f)} ms</text>`;
    });
    const messages = model.inFlight().map((m) => {
      const [x, y] = AT[m.to]!;
      const p = Math.min(1, Math.max(0, (shownMs - m.sentMs) / (m.arriveMs - m.sentMs)));
      const cx = from[0] + (x - from[0]) * p;
      const cy = from[1] + (y + BOX.h / 2 - from[1]) * p;
      return `<g class="lag-msg"><circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="13"/><text x="${cx.toFixed(1)}" y="${(cy + 4).toFixed(1)}" text-anchor="middle">#${m.write.n}</text></g>`;
    });
    svg.innerHTML = `<g class="lag-client"><circle cx="${ADA[0]}" cy="${ADA[1] - 12}" r="9"/><path d="M${ADA[0] - 14} ${ADA[1] + 14}q14-22 28 0"/><text x="${ADA[0]}" y="${ADA[1] + 34}" text-anchor="middle">Ada</text></g>
      <line class="lag-link" x1="${ADA[0] + 20}" y1="${ADA[1]}" x2="${lx}" y2="${ADA[1]}"/>
      ${links.join('')}${ids.map(box).join('')}${messages.join('')}`;
    const flying = model.inFlight();
    svg.setAttribute(
      'aria-label',
      `Barista 1, the head, forwards Ada's writes to barista 2 and barista 3. Notepads: ${ids
        .map((id) => `${lower(id)} has ${quoted(model.notepad(id))}`)
        .join('; ')}. ${flying.length ? `On the way: ${flying.map((m) => `write #${m.write.n} to ${lower(m.to)}, arriving at ${m.arriveMs} ms`).join('; ')}.` : 'No message on the way.'}`,
    );
    $('clock').textContent = `Virtual time: ${Math.floor(shownMs)} ms`;
  }

  /** Finishes a running animation at once, so an action always happens at the same virtual time. */
  function settle(): void {
    if (!animation) return;
    cancelAnimationFrame(animation.frame);
    model.advanceTo(animation.target);
    animation = undefined;
    shownMs = model.nowMs;
  }

  function wait(target: number): void {
    settle();
    const before = new Map(FOLLOWERS.map((f) => [f, model.notepad(f)?.n ?? 0]));
    const start = model.nowMs;
    const done = (): void => {
      shownMs = model.nowMs;
      draw();
      const applied = FOLLOWERS.filter((f) => (model.notepad(f)?.n ?? 0) > before.get(f)!).map((f) => `${lower(f)} applied write #${model.notepad(f)!.n}`);
      const left = model.inFlight().length;
      announce(
        `Waited ${target - start} ms; now ${model.nowMs} ms. ${applied.length ? `${cap(list(applied))}.` : 'No follower applied anything new.'} ${
          left ? `${plural(left, 'message')} still on the way.` : 'Every follower is caught up.'
        }`,
      );
    };
    if (reducedMotion()) {
      model.advanceTo(target);
      return done();
    }
    // About 2 real ms per virtual ms, within bounds, so a short wait is visible and a long one brief.
    const durationMs = Math.min(1500, Math.max(300, (target - start) * 2));
    const t0 = performance.now();
    const step = (): void => {
      const f = Math.min(1, (performance.now() - t0) / durationMs);
      shownMs = start + (target - start) * f;
      model.advanceTo(Math.floor(shownMs));
      if (f < 1) {
        animation!.frame = requestAnimationFrame(step);
        draw();
      } else {
        animation = undefined;
        done();
      }
    };
    animation = { frame: requestAnimationFrame(step), target };
  }

  function showRead(r: ReadResult): string {
    const who = lower(r.from);
    if (r.stale) {
      const text = `Read from ${who} at ${r.atMs} ms returned ${quoted(r.got)}. Stale: the follower had not yet applied write #${r.latest!.n}${
        r.arrivesMs !== undefined ? ` (it arrives at ${r.arrivesMs} ms)` : ''
      }, though Ada's write had completed.`;
      result.className = 'diagram-result is-stale';
      result.innerHTML = `<strong><span aria-hidden="true">⚠ </span>Stale read.</strong> ${esc(text)}`;
      return text;
    }
    const text = `Read from ${who} at ${r.atMs} ms returned ${quoted(r.got)}: up to date with Ada's latest write.`;
    result.className = 'diagram-result is-fresh';
    result.innerHTML = `<strong><span aria-hidden="true">✓ </span>Fresh read.</strong> ${esc(text)}`;
    return text;
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button)) return;
    const action = button.dataset.action;
    if (action === 'wait') return wait(model.nowMs + WAIT_MS);
    if (action === 'catch-up') {
      const until = model.catchUpMs();
      if (until === undefined) return announce(`Every follower is already caught up at ${model.nowMs} ms.`);
      return wait(until);
    }
    settle();
    lastRead = undefined;
    if (action === 'write') {
      const w = model.write();
      const arrivals = model.inFlight().filter((m) => m.write.n === w.n);
      const text = `Ada wrote ${quoted(w)} to the head barista at ${model.nowMs} ms, and it completed. It reaches ${list(
        arrivals.map((m) => `${lower(m.to)} at ${m.arriveMs} ms`),
      )}.`;
      result.className = 'diagram-result';
      result.textContent = text;
      announce(text);
    } else if (button.dataset.read) {
      lastRead = model.read(button.dataset.read);
      announce(showRead(lastRead));
    }
    draw();
  });

  for (const f of FOLLOWERS) {
    const input = $<HTMLInputElement>(`lag-${f}`);
    const text = (v: number): string => `${v} ms`;
    syncSlider(input, text);
    input.addEventListener('input', () => {
      syncSlider(input, text);
      model.setLag(f, Number(input.value));
      draw();
    });
    input.addEventListener('change', () => announce(`Lag to ${lower(f)} is now ${model.lagOf(f)} ms, for writes sent from now on.`));
  }
  draw();
}
