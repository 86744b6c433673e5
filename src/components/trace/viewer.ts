/**
 * The trace viewer: a space-time diagram of one simulated run in plain SVG. One lane per
 * client and node, messages as arrows from send to delivery (drops and duplicates marked),
 * crashes and partitions as shaded spans, client operations as bars with their results, the
 * violation in red. A cursor steps and scrubs through the events; clicking an event shows its
 * details and the node's log. The text list of events is the accessible alternative: every
 * event the diagram draws is a button there, and both move the same cursor.
 */
import type { Trace } from '@baristas/sim/host';
import { brief, clip, describeEvent, layoutTrace, serviceMessage, timeScale, type TraceLayout } from './layout.ts';
import './trace.css';

export interface TraceViewerHandle {
  /** Moves the cursor to event `index` (0-based), as a click or a step would. */
  select(index: number): void;
  /** The event the cursor is on. */
  readonly selected: number;
  destroy(): void;
}

const ROW_PX = 46;
const AXIS_PX = 34;
const LABEL_PX = 96;
const LIST_PAGE = 100;
const LOG_LINES_MAX = 12;
const ZOOMS = [0.25, 0.5, 1, 2, 4];

let viewers = 0;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderTraceViewer(host: HTMLElement, trace: Trace): TraceViewerHandle {
  const uid = `trace-${++viewers}`;
  const layout = layoutTrace(trace);
  const events = trace.events;
  const count = events.length;
  const rowOf = new Map(layout.lanes.map((l) => [l.id, l.row]));
  const y = (lane: string | undefined): number => AXIS_PX + ((lane === undefined ? -0.5 : (rowOf.get(lane) ?? -0.5)) + 0.5) * ROW_PX;
  const heightPx = AXIS_PX + layout.lanes.length * ROW_PX + 8;
  const firstViolation = Math.min(...layout.violationEvents);
  let zoom = 2; // index into ZOOMS
  let selected = Number.isFinite(firstViolation) ? firstViolation : 0;
  let scale = makeScale();

  const root = document.createElement('div');
  root.className = 'trace-viewer';
  root.dataset.traceViewer = '';
  const v = trace.violation;
  root.innerHTML = `
    ${
      v
        ? `<p class="trace-violation" data-role="violation"><strong>Broken: ${esc(v.property)}.</strong> ${esc(v.message)}</p>`
        : '<p class="trace-violation is-none">This run broke no property.</p>'
    }
    <p class="trace-meta">Seed ${trace.seed} · ${layout.lanes.filter((l) => l.kind === 'node').length} nodes · ${count} events · ends at ${layout.endMs} ms virtual time${
      trace.droppedEvents > 0 ? ` · ${trace.droppedEvents} events left out to keep it small` : ''
    }${trace.replay ? ` · replay <code data-role="replay">${esc(trace.replay)}</code>` : ''}</p>
    <div class="trace-controls" role="toolbar" aria-label="Step through the run">
      <button type="button" data-action="first" aria-label="First event">Start</button>
      <button type="button" data-action="prev" aria-label="Previous event">◀</button>
      <input type="range" data-role="scrub" min="0" max="${Math.max(0, count - 1)}" value="${selected}" aria-label="Scrub through the run's events" />
      <button type="button" data-action="next" aria-label="Next event">▶</button>
      <button type="button" data-action="last" aria-label="Last event">End</button>
      ${Number.isFinite(firstViolation) ? '<button type="button" data-action="violation">Go to the violation</button>' : ''}
      <span class="trace-zoom" role="group" aria-label="Zoom">
        <button type="button" data-action="zoom-out" aria-label="Zoom out">−</button>
        <button type="button" data-action="zoom-in" aria-label="Zoom in">+</button>
      </span>
      <span class="trace-position" data-role="position" aria-hidden="true"></span>
    </div>
    <div class="trace-diagram">
      <div class="trace-lanes" aria-hidden="true" style="height:${heightPx}px">${layout.lanes
        .map((l) => `<span class="trace-lane-label is-${l.kind}" style="top:${y(l.id) - 10}px" title="${esc(l.id)}">${esc(l.id)}</span>`)
        .join('')}</div>
      <div class="trace-scroll" data-role="scroll" tabindex="0" aria-label="Space-time diagram. Left and right arrow keys step through events; the event list below says the same in words.">
        <svg data-role="svg" role="img" aria-label="${esc(summary(trace, layout))}" height="${heightPx}"></svg>
      </div>
    </div>
    <p class="trace-legend" aria-hidden="true">
      <span class="key is-deliver">→ delivered</span> <span class="key is-drop">✕ dropped</span> <span class="key is-copy">⇉ duplicate</span>
      <span class="key is-down">crashed</span> <span class="key is-partitioned">partitioned</span> <span class="key is-op">client operation</span>
      <span class="key is-violation">violation</span>
    </p>
    <section class="trace-details" data-role="details" aria-live="polite" aria-label="Selected event"></section>
    <details class="trace-events" data-role="events">
      <summary>Every event as text (${count})</summary>
      <div class="trace-events-page">
        <button type="button" data-action="page-prev">Earlier events</button>
        <span data-role="page"></span>
        <button type="button" data-action="page-next">Later events</button>
      </div>
      <ol data-role="list"></ol>
    </details>`;
  host.append(root);

  const $ = <T extends Element>(role: string) => root.querySelector<T>(`[data-role="${role}"]`)!;
  const svg = $<SVGSVGElement>('svg');
  const scroll = $<HTMLElement>('scroll');
  const scrub = $<HTMLInputElement>('scrub');
  const details = $<HTMLElement>('details');
  const list = $<HTMLOListElement>('list');
  let listPage = -1;

  function makeScale() {
    return timeScale(
      events.map((e) => e.t),
      { pxPerMs: 2 * ZOOMS[zoom]!, gapPxMin: 6 * Math.min(1, ZOOMS[zoom]! * 2), gapPxMax: 48 * ZOOMS[zoom]!, originPx: 24 },
    );
  }

  function paint(): void {
    svg.setAttribute('width', String(scale.widthPx));
    svg.innerHTML = drawSvg(uid, trace, layout, scale.x, y, scale.widthPx, heightPx);
    place();
  }

  /** Moves the cursor line, the "not yet" shade and the highlight to the selected event. */
  function place(): void {
    const e = events[selected];
    const cursor = svg.querySelector<SVGGElement>('[data-role="cursor"]');
    if (!e || !cursor) return;
    const x = scale.x(e.t);
    cursor.setAttribute('transform', `translate(${x} 0)`);
    const future = svg.querySelector<SVGRectElement>('[data-role="future"]')!;
    future.setAttribute('x', String(x + 3));
    future.setAttribute('width', String(Math.max(0, scale.widthPx - x - 3)));
    const ring = svg.querySelector<SVGCircleElement>('[data-role="ring"]')!;
    ring.setAttribute('cx', String(x));
    ring.setAttribute('cy', String(y(layout.laneOf[selected])));
    for (const el of svg.querySelectorAll('.is-selected')) el.classList.remove('is-selected');
    // An arrow carries its delivery's index (data-i) and its send's (data-send): either selects it.
    for (const el of svg.querySelectorAll(`[data-i="${selected}"], [data-send="${selected}"]`)) el.classList.add('is-selected');
    // Keep the cursor in view without yanking the diagram on every step.
    const left = scroll.scrollLeft;
    const width = scroll.clientWidth;
    if (width > 0 && (x < left + 40 || x > left + width - 40)) scroll.scrollLeft = Math.max(0, x - width / 2);
  }

  function select(index: number, focusList = false): void {
    if (count === 0) return;
    selected = Math.max(0, Math.min(count - 1, index));
    root.dataset.selected = String(selected);
    scrub.value = String(selected);
    scrub.setAttribute('aria-valuetext', `Event ${selected + 1} of ${count}, at ${events[selected]!.t} ms`);
    $('position').textContent = `event ${selected + 1} of ${count} · ${events[selected]!.t} ms`;
    place();
    showDetails();
    renderList(focusList);
  }

  function showDetails(): void {
    const e = events[selected]!;
    const lane = layout.laneOf[selected];
    // Not headings: the viewer sits under an h1 on /trace/ and under an h2 in the dialog.
    const parts = [`<p class="trace-details-title">Event ${selected + 1} of ${count}${layout.violationEvents.has(selected) ? ' <span class="trace-flag">part of the violation</span>' : ''}</p>`];
    parts.push(`<p data-role="description">${esc(describeEvent(e))}</p>`);
    if (e.type === 'deliver' || e.type === 'drop' || e.type === 'duplicate') {
      const send = events.find((s) => s.type === 'send' && s.msg === e.msg);
      if (send && send.type === 'send') {
        const service = serviceMessage(send.body);
        if (service) parts.push(`<p>Coordination service message: ${esc(service.text)}</p>`);
        parts.push(`<p>Message body: <code>${esc(brief(send.body, 400))}</code> (sent at ${send.t} ms)</p>`);
      }
    }
    if (e.type === 'invoke' || e.type === 'complete') {
      const bar = layout.operations.find((o) => o.op === e.op);
      if (bar) {
        parts.push(
          `<p>Operation ${bar.op}: ${esc(bar.client)} → ${esc(bar.node)}, input <code>${esc(brief(bar.input, 200))}</code>, ${
            bar.t1 === Infinity ? 'never completed' : `ended ${bar.status} at ${bar.t1} ms`
          }${bar.output !== undefined ? ` with <code>${esc(brief(bar.output, 200))}</code>` : ''}.</p>`,
        );
      }
    }
    const logNode = e.type === 'invoke' || e.type === 'complete' ? e.node : lane;
    if (logNode !== undefined && rowOf.has(logNode) && layout.lanes.find((l) => l.id === logNode)?.kind === 'node') {
      const lines: string[] = [];
      for (let i = 0; i <= selected; i++) {
        const l = events[i]!;
        if (l.type === 'log' && l.node === logNode) lines.push(`${l.t} ms  ${l.text}`);
      }
      const shown = lines.slice(-LOG_LINES_MAX);
      parts.push(
        `<p class="trace-details-title" data-role="log-title">${esc(logNode)}'s log up to here${lines.length > shown.length ? ` (last ${shown.length} of ${lines.length})` : ''}</p>`,
        shown.length > 0
          ? `<pre data-role="log" tabindex="0" aria-label="${esc(logNode)}'s log">${esc(shown.join('\n'))}</pre>`
          : `<p data-role="log">${esc(logNode)} logged nothing yet (node code logs with <code>node.log(…)</code>).</p>`,
      );
    }
    details.innerHTML = parts.join('');
  }

  function renderList(focus: boolean): void {
    const page = Math.floor(selected / LIST_PAGE);
    if (page !== listPage) {
      listPage = page;
      const from = page * LIST_PAGE;
      const to = Math.min(count, from + LIST_PAGE);
      $('page').textContent = `Events ${from + 1}–${to} of ${count}`;
      root.querySelector<HTMLButtonElement>('[data-action="page-prev"]')!.disabled = from === 0;
      root.querySelector<HTMLButtonElement>('[data-action="page-next"]')!.disabled = to >= count;
      const items: string[] = [];
      for (let i = from; i < to; i++) {
        items.push(
          `<li value="${i + 1}"><button type="button" data-event="${i}"${layout.violationEvents.has(i) ? ' class="is-violation"' : ''}>${esc(describeEvent(events[i]!))}${
            layout.violationEvents.has(i) ? ' — part of the violation' : ''
          }</button></li>`,
        );
      }
      list.innerHTML = items.join('');
    }
    for (const b of list.querySelectorAll('[aria-current]')) b.removeAttribute('aria-current');
    const current = list.querySelector<HTMLButtonElement>(`[data-event="${selected}"]`);
    current?.setAttribute('aria-current', 'true');
    if (focus) current?.focus();
  }

  const onClick = (event: Event) => {
    const target = event.target as Element;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action) {
      const page = Math.floor(selected / LIST_PAGE);
      const jumps: Record<string, () => void> = {
        first: () => select(0),
        prev: () => select(selected - 1),
        next: () => select(selected + 1),
        last: () => select(count - 1),
        violation: () => select(firstViolation),
        'zoom-in': () => rezoom(+1),
        'zoom-out': () => rezoom(-1),
        'page-prev': () => select((page - 1) * LIST_PAGE + LIST_PAGE - 1, true),
        'page-next': () => select((page + 1) * LIST_PAGE, true),
      };
      jumps[action]?.();
      return;
    }
    const item = target.closest<HTMLElement>('[data-event]');
    if (item) {
      select(Number(item.dataset.event));
      return;
    }
    const drawn = target.closest<SVGElement>('[data-i]');
    if (drawn) select(Number(drawn.dataset.i));
  };
  const rezoom = (step: number) => {
    const next = Math.max(0, Math.min(ZOOMS.length - 1, zoom + step));
    if (next === zoom) return;
    zoom = next;
    scale = makeScale();
    paint();
  };
  const onKey = (event: KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10 };
    if (event.key in keys) select(selected + keys[event.key]!);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(count - 1);
    else if (event.key === '+' || event.key === '=') rezoom(1);
    else if (event.key === '-') rezoom(-1);
    else return;
    event.preventDefault();
  };
  root.addEventListener('click', onClick);
  scroll.addEventListener('keydown', onKey);
  scrub.addEventListener('input', () => select(Number(scrub.value)));

  paint();
  select(selected);

  return {
    select: (index) => select(index),
    get selected() {
      return selected;
    },
    destroy: () => root.remove(),
  };
}

function summary(trace: Trace, layout: TraceLayout): string {
  const nodes = layout.lanes.filter((l) => l.kind === 'node').map((l) => l.id);
  const drops = layout.arrows.filter((a) => a.kind === 'drop').length;
  const crashes = layout.marks.filter((m) => m.kind === 'crash').length;
  return (
    `Space-time diagram of seed ${trace.seed}: nodes ${nodes.join(', ')}; ${layout.operations.length} client operations, ` +
    `${layout.arrows.length} messages (${drops} dropped), ${crashes} crashes, ${layout.faults.length} network changes.` +
    (trace.violation ? ` Broken: ${trace.violation.property}.` : '') +
    ' The event list below describes every event in words.'
  );
}

/** The whole diagram as SVG markup: built as one string, which is far faster than DOM calls for thousands of shapes. */
function drawSvg(
  uid: string,
  trace: Trace,
  layout: TraceLayout,
  x: (t: number) => number,
  y: (lane: string | undefined) => number,
  widthPx: number,
  heightPx: number,
): string {
  const out: string[] = [];
  out.push(
    `<defs><marker id="${uid}-head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" class="trace-head"/></marker></defs>`,
  );
  // Time axis: a tick at each distinct time, labelled where there is room.
  out.push('<g class="trace-axis">');
  let lastLabel = -Infinity;
  for (const t of [...new Set(trace.events.map((e) => e.t))]) {
    const px = x(t);
    if (px - lastLabel < 56) continue;
    lastLabel = px;
    out.push(`<line x1="${px}" x2="${px}" y1="${AXIS_PX - 8}" y2="${heightPx}" class="trace-grid"/><text x="${px}" y="${AXIS_PX - 12}">${t} ms</text>`);
  }
  out.push('</g>');
  for (const s of layout.spans) {
    const x0 = x(s.t0);
    const x1 = s.t1 === Infinity ? widthPx : x(s.t1);
    const cy = y(s.lane);
    out.push(
      `<rect data-i="${s.start}" class="trace-span is-${s.kind}${s.side !== undefined ? ` side-${s.side % 3}` : ''}" x="${x0}" y="${cy - ROW_PX / 2 + 3}" width="${Math.max(2, x1 - x0)}" height="${ROW_PX - 6}"><title>${esc(s.lane)}: ${esc(s.label)}</title></rect>`,
    );
    if (x1 - x0 > 70) out.push(`<text class="trace-span-label" x="${x0 + 4}" y="${cy + ROW_PX / 2 - 7}">${esc(s.label)}</text>`);
  }
  for (const l of layout.lanes) {
    out.push(`<line class="trace-lane is-${l.kind}" x1="0" x2="${widthPx}" y1="${y(l.id)}" y2="${y(l.id)}"/>`);
  }
  for (const f of layout.faults) {
    const px = x(f.t);
    out.push(
      `<g data-i="${f.index}" class="trace-fault"><line x1="${px}" x2="${px}" y1="${AXIS_PX - 4}" y2="${heightPx}"/><text x="${px + 3}" y="${AXIS_PX}">${esc(brief(f.label, 48))}</text><title>${esc(f.label)}</title></g>`,
    );
  }
  for (const a of layout.arrows) {
    const x0 = x(a.tSend);
    const y0 = y(a.from);
    let x1 = x(a.tEnd);
    let y1 = y(a.to);
    if (a.kind === 'drop' && a.tEnd === a.tSend) {
      // Lost as it was sent: a stub pointing toward the receiver.
      x1 = x0 + 14;
      y1 = y0 + (y1 - y0) * 0.35;
    }
    const cls = `trace-arrow is-${a.kind}${a.service ? ` is-zk-${a.service}` : ''}${a.duplicated ? ' is-duplicated' : ''}${layout.violationEvents.has(a.end) || layout.violationEvents.has(a.send) ? ' is-violation' : ''}`;
    out.push(
      `<g data-i="${a.end}" data-send="${a.send}" class="${cls}"><line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}"${a.kind === 'drop' ? '' : ` marker-end="url(#${uid}-head)"`}/>` +
        (a.kind === 'drop' ? `<text class="trace-cross" x="${x1}" y="${y1 + 4}">✕</text>` : '') +
        (a.kind === 'copy' ? `<text class="trace-copy" x="${x1 - 4}" y="${y1 - 6}">×2</text>` : '') +
        `<title>message #${a.msg} ${esc(a.from)} → ${esc(a.to)}${a.label ? ` (${esc(a.label)})` : ''}: ${a.kind === 'drop' ? `dropped (${esc(a.reason ?? '')})` : a.kind === 'copy' ? 'second copy delivered' : `delivered after ${a.tEnd - a.tSend} ms`}</title></g>`,
    );
  }
  for (const o of layout.operations) {
    const x0 = x(o.t0);
    const x1 = o.t1 === Infinity ? widthPx - 4 : x(o.t1);
    const cy = y(o.client);
    const result = o.status === 'ok' ? brief(o.output, 24) : o.status;
    // Labels fit their bar (about 6 px a character) so neighbours do not overprint; the
    // tooltip and the details panel have the whole text.
    const chars = Math.floor((x1 - x0) / 6);
    const label = chars >= 4 ? clip(`${brief(o.input, 28)} @${o.node} → ${result}`, chars) : '';
    out.push(
      `<g data-i="${o.complete ?? o.invoke}" class="trace-op is-${o.status}${o.violated ? ' is-violation' : ''}"><rect x="${x0}" y="${cy - 7}" width="${Math.max(3, x1 - x0)}" height="14" rx="3"/>` +
        (label ? `<text x="${x0 + 2}" y="${cy - 11}">${esc(label)}</text>` : '') +
        `<title>operation ${o.op}: ${esc(o.client)} called ${esc(o.node)} with ${esc(brief(o.input, 200))}; ${o.status}${o.output !== undefined ? ` ${esc(brief(o.output, 200))}` : ''}</title></g>`,
    );
  }
  for (const m of layout.marks) {
    const px = x(m.t);
    const cy = y(m.lane);
    const cls = `trace-mark is-${m.kind}${layout.violationEvents.has(m.index) ? ' is-violation' : ''}`;
    if (m.kind === 'crash') out.push(`<text data-i="${m.index}" class="${cls}" x="${px}" y="${cy + 6}">✕</text>`);
    else if (m.kind === 'restart') out.push(`<path data-i="${m.index}" class="${cls}" d="M${px - 6},${cy + 6} L${px},${cy - 6} L${px + 6},${cy + 6} z"/>`);
    else if (m.kind === 'session') {
      out.push(
        `<g data-i="${m.index}" class="${cls}"><path d="M${px},${cy - 7} L${px + 7},${cy} L${px},${cy + 7} L${px - 7},${cy} z"/>` +
          `<text x="${px + 9}" y="${cy - 9}">${esc(m.label ?? '')}</text><title>${esc(m.label ?? '')}</title></g>`,
      );
    }
    else out.push(`<circle data-i="${m.index}" class="${cls}" cx="${px}" cy="${cy}" r="${m.kind === 'log' ? 3.5 : 2.5}"/>`);
  }
  out.push(
    `<rect data-role="future" class="trace-future" x="0" y="0" width="0" height="${heightPx}"/>`,
    `<g data-role="cursor" class="trace-cursor"><line x1="0" x2="0" y1="${AXIS_PX - 6}" y2="${heightPx}"/></g>`,
    `<circle data-role="ring" class="trace-ring" r="9" cx="-20" cy="-20"/>`,
  );
  return out.join('');
}
