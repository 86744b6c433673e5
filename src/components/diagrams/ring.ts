/**
 * The consistent-hashing ring: baristas' tokens and customers' keys on one circle, with the
 * keys the last change moved drawn larger and ringed, and each barista's load as a bar. Add or
 * remove baristas and change the tokens per barista; positions come from the sim's `hash32`
 * with the exercise's token names, so the picture matches a correct `HashRing`.
 */
import { BARISTAS_MAX, RingModel, VNODES_MAX, imbalance, type Token } from './internal/ring-model.ts';
import { esc, list, lower, nameOf, plural, sliderHtml, stage, syncSlider } from './internal/ui.ts';

const SIZE = 300;
const C = SIZE / 2;
const R_RING = 124;
const R_KEY = 104;
const TURN = 2 ** 32;

const colour = (id: string): string => `c${(Number(id.replace(/\D+/g, '')) - 1) % BARISTAS_MAX}`;
/** Position 0 at twelve o'clock, growing clockwise, as the chapter's drawing has it. */
function xy(pos: number, r: number): [number, number] {
  const a = (pos / TURN) * 2 * Math.PI;
  return [Math.round((C + r * Math.sin(a)) * 10) / 10, Math.round((C - r * Math.cos(a)) * 10) / 10];
}
const point = (pos: number, r: number): string => xy(pos, r).join(' ');
const dot = (cls: string, pos: number, r: number): string => {
  const [x, y] = xy(pos, R_KEY);
  return `<circle class="${cls}" cx="${x}" cy="${y}" r="${r}"/>`;
};

/** Each token owns the arc from the previous token to itself: one coloured arc per token. */
function arcs(tokens: readonly Token[]): string {
  if (tokens.length === 1) return `<circle class="ring-arc ${colour(tokens[0]!.barista)}" cx="${C}" cy="${C}" r="${R_RING}"/>`;
  return tokens
    .map((t, i) => {
      const prev = tokens[(i - 1 + tokens.length) % tokens.length]!.position;
      const span = (t.position - prev + TURN) % TURN;
      return `<path class="ring-arc ${colour(t.barista)}" d="M${point(prev, R_RING)}A${R_RING} ${R_RING} 0 ${span > TURN / 2 ? 1 : 0} 1 ${point(t.position, R_RING)}"/>`;
    })
    .join('');
}

export function mount(root: HTMLElement): void {
  const model = new RingModel(['barista-1', 'barista-2', 'barista-3'], 4);
  const { $, announce } = stage(
    root,
    `<div class="diagram-controls" role="group" aria-label="Change the ring">
      <button type="button" data-action="add">Add a barista</button>
      ${sliderHtml('vnodes', 'Tokens per barista', 1, VNODES_MAX, model.vnodes)}
    </div>
    <div class="ring-layout">
      <svg data-role="svg" class="ring-svg" viewBox="0 0 ${SIZE} ${SIZE}" role="img"></svg>
      <div class="ring-side">
        <p class="diagram-note" data-role="change"></p>
        <ol class="ring-load" data-role="load" aria-label="Keys per barista"></ol>
        <p data-role="balance"></p>
        <details class="diagram-details"><summary>Which keys moved</summary><p data-role="moved"></p></details>
      </div>
    </div>`,
  );
  const svg = $<SVGSVGElement>('svg');
  const vnodes = $<HTMLInputElement>('vnodes');
  const addButton = root.querySelector<HTMLButtonElement>('[data-action="add"]')!;
  syncSlider(vnodes);

  function changeText(): string {
    const c = model.last;
    const n = model.moved.length;
    const of = `${n} of ${model.keys.length} keys moved`;
    if (!c) return `Three baristas, ${plural(model.vnodes, 'token')} each. Add or remove a barista, or change the tokens, to see which keys move.`;
    if (c.kind === 'add') {
      const from = [...new Set(model.moved.map((m) => lower(m.from)))];
      return `${nameOf(c.barista)} joined: ${of}, all to ${lower(c.barista)}${n ? `, taken from ${list(from)}` : ''}.`;
    }
    if (c.kind === 'remove') {
      const to = [...new Set(model.moved.map((m) => lower(m.to)))];
      return `${nameOf(c.barista)} left: ${of}. Only its own keys moved${n ? `, to ${list(to)}` : ''}.`;
    }
    const more = c.to > c.from;
    return `Tokens per barista ${c.from} → ${c.to}: ${of}. ${
      more ? 'Tokens were only added, so keys moved only into the arcs the new tokens took.' : 'Tokens were only taken away, so only the keys of the removed tokens moved.'
    }`;
  }

  function render(): string {
    const load = model.load();
    const shares = model.shares();
    const mean = model.keys.length / model.baristas.length;
    const top = Math.max(...load);
    const scale = Math.max(top, 2 * mean);
    const moved = new Set(model.moved.map((m) => m.key));
    const dots: string[] = [];
    const rings: string[] = [];
    for (const key of model.keys) {
      const owner = model.owners.get(key)!;
      const pos = model.positions.get(key)!;
      if (moved.has(key)) {
        rings.push(dot('ring-moved', pos, 7.5));
        dots.push(dot(`ring-key is-moved ${colour(owner)}`, pos, 4.5));
      } else dots.push(dot(`ring-key ${colour(owner)}`, pos, 3));
    }
    const ticks = model.tokens.map((t) => `<path class="ring-token ${colour(t.barista)}" d="M${point(t.position, R_RING - 9)}L${point(t.position, R_RING + 9)}"/>`);
    svg.innerHTML = `<circle class="ring-track" cx="${C}" cy="${C}" r="${R_RING}"/>${arcs(model.tokens)}${ticks.join('')}${dots.join('')}${rings.join('')}
      <text class="ring-label" x="${C}" y="${C - 6}" text-anchor="middle">${model.keys.length} keys</text>
      <text class="ring-label" x="${C}" y="${C + 12}" text-anchor="middle">${model.tokens.length} tokens</text>`;
    svg.setAttribute(
      'aria-label',
      `Ring with ${plural(model.baristas.length, 'barista')}, ${plural(model.vnodes, 'token')} each, and ${model.keys.length} customers' keys, coloured by owner. ${
        moved.size ? `The ${plural(moved.size, 'key')} that moved on the last change are drawn larger, with a ring around them.` : 'No key moved on the last change.'
      }`,
    );
    $('load').innerHTML = model.baristas
      .map(
        (b, i) => `<li class="${colour(b)}"><span class="ring-swatch" aria-hidden="true"></span><span class="ring-name">${nameOf(b)}</span>
        <span class="ring-bar" aria-hidden="true"><span style="inline-size:${((load[i]! / scale) * 100).toFixed(1)}%"></span><i style="inset-inline-start:${((mean / scale) * 100).toFixed(1)}%"></i></span>
        <span class="ring-count">${plural(load[i]!, 'key')} · ${Math.round(shares[i]! * 100)}% of the ring</span>
        <button type="button" data-remove="${b}" ${model.baristas.length === 1 ? 'disabled' : ''}>Remove<span class="diagram-sr"> ${lower(b)}</span></button></li>`,
      )
      .join('');
    const busiest = model.baristas[load.indexOf(top)]!;
    const ratio = imbalance(load).toFixed(2);
    const balance = `Busiest: ${lower(busiest)} with ${plural(top, 'key')}, ${ratio}× the mean of ${Number.isInteger(mean) ? mean : mean.toFixed(1)} (the tick on each bar; 1.00× is perfectly even). Largest share of the ring: ${imbalance(shares).toFixed(2)}× an even share, which is what load tends to with more keys.`;
    $('balance').textContent = balance;
    const change = changeText();
    $('change').textContent = change;
    $('moved').innerHTML = model.moved.length
      ? model.moved.map((m) => `${esc(m.key)}: ${lower(m.from)} → ${lower(m.to)}`).join('; ')
      : 'None on the last change.';
    addButton.disabled = model.baristas.length >= BARISTAS_MAX;
    return `${change} Busiest: ${lower(busiest)}, ${ratio}× the mean load.`;
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button)) return;
    if (button.dataset.action === 'add') {
      model.add();
      announce(render());
    } else if (button.dataset.remove) {
      const id = button.dataset.remove;
      // The button is about to be redrawn away: keep focus in the list, not on the page body.
      const index = model.baristas.indexOf(id);
      model.remove(id);
      announce(render());
      const buttons = $('load').querySelectorAll<HTMLButtonElement>('button');
      (buttons[Math.min(index, buttons.length - 1)] ?? addButton).focus();
    }
  });
  vnodes.addEventListener('input', () => syncSlider(vnodes));
  // Applied on change (each key press, or letting go of the thumb), so one drag is one change.
  vnodes.addEventListener('change', () => {
    syncSlider(vnodes);
    model.setVnodes(Number(vnodes.value));
    announce(render());
  });
  render();
}
