/** Small DOM helpers the four diagrams share: escaping, the live region, sliders, the styles. */
// As a string, injected on first mount: imported as a stylesheet, Astro would link it from
// every page that has a diagram, loaded before any diagram is needed.
import css from '../diagrams.css?inline';

export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** "Barista 2" for the node `barista-2`: what the page says, while the sim keeps its ids. */
export const nameOf = (id: string): string => id.replace(/^barista-/, 'Barista ');
export const lower = (id: string): string => nameOf(id).replace(/^B/, 'b');

/** Joins names as prose: "a", "a and b", "a, b and c". */
export function list(items: readonly string[], empty = 'nobody'): string {
  if (items.length === 0) return empty;
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export interface Parts {
  /** The element with `data-role=role` inside the diagram. */
  $<T extends Element = HTMLElement>(role: string): T;
  /** Says `text` in the figure's polite live region (and shows it). */
  announce(text: string): void;
}

/**
 * Replaces the figure's static fallback with `html` and wires the live region; `own` adds the
 * diagram's own stylesheet once per page. The live
 * region is server-rendered and already in the page, so screen readers watch it from the
 * start; repeating the same words gets a suffix, or some readers would stay silent.
 */
export function stage(root: HTMLElement, html: string, own?: { id: string; css: string }): Parts {
  injectStyle('diagrams-css', css);
  // A diagram's own styles (`import css from './x.css?inline'`) come with its chunk.
  if (own) injectStyle(own.id, own.css);
  const host = root.querySelector<HTMLElement>('[data-role="stage"]')!;
  host.innerHTML = html;
  const live = root.querySelector<HTMLElement>('[data-role="live"]')!;
  return {
    $: <T extends Element>(role: string) => host.querySelector<T>(`[data-role="${role}"]`)!,
    announce(text) {
      live.textContent = live.textContent === text ? `${text} (again)` : text;
    },
  };
}

function injectStyle(id: string, text: string): void {
  if (document.getElementById(id)) return;
  const style = document.createElement('style');
  style.id = id;
  style.textContent = text;
  document.head.append(style);
}

/** A labelled range input with its value shown next to it (and read out through aria-valuetext). */
export function sliderHtml(role: string, label: string, min: number, max: number, value: number, step = 1): string {
  return `<label class="diagram-slider"><span>${esc(label)}</span>
    <input type="range" data-role="${role}" min="${min}" max="${max}" step="${step}" value="${value}" />
    <output data-role="${role}-out" aria-hidden="true">${value}</output></label>`;
}

/** Keeps a slider's visible value and spoken value in step with its position. */
export function syncSlider(input: HTMLInputElement, text: (v: number) => string = String): void {
  const v = Number(input.value);
  input.setAttribute('aria-valuetext', text(v));
  const out = input.parentElement?.querySelector('output');
  if (out) out.textContent = text(v);
}

/** True when the reader asked for less motion: animations then jump straight to their end. */
export const reducedMotion = (): boolean => matchMedia('(prefers-reduced-motion: reduce)').matches;
