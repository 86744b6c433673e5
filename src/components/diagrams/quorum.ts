/**
 * The quorum playground: N baristas hold Ada's order, the till needs W acknowledgements to
 * finish a write and R answers to finish a read. Crash or cut off baristas, write and read, and
 * see who took part in each operation and what each notepad holds. With R + W ≤ N a read can
 * miss the latest write and the diagram says so; with R + W > N it cannot, and an operation
 * that cannot gather its quorum fails with a reason.
 */
import { N_MAX, QUORUM_TIMEOUT_MS, QuorumModel, overlaps, type Fault, type OpReport, type Settings, type Version } from './internal/quorum-model.ts';
import { cap, esc, list, lower, nameOf, plural, sliderHtml, stage, syncSlider } from './internal/ui.ts';

const FAULT_TEXT: Record<Fault, string> = { crashed: 'crashed', cut: 'cut off' };
/** The verdict is both shown (with an icon) and spoken, so no reader depends on the colour. */
const outcome = (cls: string, icon: string, label: string, text: string) => ({
  cls,
  text: `${label} ${text.trim()}`,
  html: `<strong><span aria-hidden="true">${icon} </span>${label}</strong> ${esc(text.trim())}`,
});
const v = (x: Version | null): string => (x ? `v${x.v} ‘${x.drink}’` : 'nothing');

export function mount(root: HTMLElement): void {
  let settings: Settings = { n: 3, r: 2, w: 2 };
  let model = new QuorumModel(settings);
  let last: OpReport | undefined;
  const { $, announce } = stage(
    root,
    `<div class="diagram-controls" role="group" aria-label="Quorum sizes">
      ${sliderHtml('n', 'N, baristas per key', 1, N_MAX, settings.n)}
      ${sliderHtml('r', 'R, answers per read', 1, settings.n, settings.r)}
      ${sliderHtml('w', 'W, acknowledgements per write', 1, settings.n, settings.w)}
    </div>
    <p class="diagram-note" data-role="rule"></p>
    <ul class="quorum-replicas" data-role="replicas" aria-label="Baristas"></ul>
    <div class="diagram-controls" role="group" aria-label="Ada's requests, through the till">
      <button type="button" data-action="write">Ada writes a new order</button>
      <button type="button" data-action="read">Ada reads her order</button>
      <span class="diagram-clock" data-role="clock"></span>
    </div>
    <div class="diagram-result" data-role="result">Ada's first order, v1 ‘flat white’, is on every barista.</div>
    <p class="diagram-hint">To see a stale read: set N = 3, R = 1, W = 1; cut off baristas 2 and 3; write; reconnect them; crash barista 1; read. Then try the same with R = 2, W = 2.</p>`,
  );
  const sliders = { n: $<HTMLInputElement>('n'), r: $<HTMLInputElement>('r'), w: $<HTMLInputElement>('w') };
  const result = $('result');

  function rule(): string {
    const { n, r, w } = settings;
    return overlaps(settings)
      ? `R + W = ${r + w} > N = ${n}: every read quorum shares at least one barista with every write quorum, so a read always hears the latest completed write. A stale read cannot happen here; an operation that cannot reach enough baristas fails instead.`
      : `R + W = ${r + w} ≤ N = ${n}: a read quorum and a write quorum need not share a barista, so a read can miss the latest completed write (a stale read).`;
  }

  function role(id: string): string {
    if (!last) return '';
    if (last.quorum.includes(id)) {
      const text = last.kind === 'write' ? 'acknowledged' : `answered v${last.heard[id]}`;
      return `<span class="quorum-role is-in"><span aria-hidden="true">✓ </span>${text} (in the ${last.kind} quorum)</span>`;
    }
    if (last.late.includes(id)) return `<span class="quorum-role"><span aria-hidden="true">… </span>answered too late to count</span>`;
    return `<span class="quorum-role is-out"><span aria-hidden="true">✗ </span>no answer</span>`;
  }

  function render(): void {
    const focused = document.activeElement instanceof HTMLElement && root.contains(document.activeElement) ? document.activeElement.dataset : undefined;
    const focusKey = focused?.fault ? `[data-fault="${focused.fault}"][data-id="${focused.id}"]` : undefined;
    $('rule').textContent = rule();
    $('replicas').innerHTML = model.replicas
      .map((id) => {
        const fault = model.faultOf(id);
        const toggle = (f: Fault, on: string, off: string) =>
          `<button type="button" data-fault="${f}" data-id="${id}">${fault === f ? off : on}<span class="diagram-sr"> ${lower(id)}</span></button>`;
        return `<li class="quorum-replica${fault ? ` is-${fault}` : ''}">
          <span class="quorum-name">${nameOf(id)}</span>
          <span class="quorum-pad">${esc(v(model.versionOf(id)))}</span>
          <span class="quorum-state">${fault ? `<span aria-hidden="true">${fault === 'crashed' ? '✗' : '✂'} </span>${FAULT_TEXT[fault]}` : 'up'}</span>
          ${role(id)}
          <span class="quorum-toggles">${toggle('crashed', 'Crash', 'Restart')}${toggle('cut', 'Cut off', 'Reconnect')}</span>
        </li>`;
      })
      .join('');
    $('clock').textContent = `Virtual time: ${model.nowMs} ms`;
    if (focusKey) $('replicas').querySelector<HTMLElement>(focusKey)?.focus();
  }

  function describe(op: OpReport): ReturnType<typeof outcome> {
    const faults = (ids: string[]) => list(ids.map((id) => `${lower(id)}${model.faultOf(id) ? ` (${FAULT_TEXT[model.faultOf(id)!]})` : ''}`));
    const others = [
      op.late.length ? `${cap(list(op.late.map(lower)))} answered after the till had its quorum.` : '',
      op.silent.length ? `${cap(faults(op.silent))} did not answer.` : '',
    ].join(' ');
    const what = op.kind === 'write' ? 'acknowledgement' : 'answer';
    const letter = op.kind === 'write' ? 'W' : 'R';
    if (!op.ok) {
      const text = `The ${op.kind} failed: only ${op.quorum.length} of the ${plural(op.needed, what)} it needs (${letter} = ${op.needed}) arrived within ${QUORUM_TIMEOUT_MS} ms${
        op.quorum.length ? `, from ${list(op.quorum.map(lower))}` : ''
      }. ${others}${op.kind === 'write' ? ' Ada is told the write failed, though baristas that heard it keep it.' : ''}`;
      return outcome('is-refused', '✗', 'Failed: no quorum.', text);
    }
    if (op.kind === 'write') {
      const text = `Wrote ${v(op.value)}: acknowledged by ${list(op.quorum.map(lower))} (W = ${op.needed}). ${others}`;
      return outcome('is-fresh', '✓', 'Write done.', text);
    }
    const heard = list(op.quorum.map((id) => `${lower(id)} (v${op.heard[id]})`));
    if (op.missed) {
      const m = op.missed;
      const text = `The read returned ${v(op.value)}, heard from ${heard}, but the latest completed write is ${v(m.value)}, acknowledged by ${list(
        m.ackedBy.map(lower),
      )}. The read quorum missed every barista in that write quorum: with R + W = ${settings.r + settings.w} ≤ N = ${settings.n}, nothing forces them to overlap. ${others}`;
      return outcome('is-stale', '⚠', 'Stale read.', text);
    }
    const latest = model.latestWrite();
    const text = `The read returned ${v(op.value)}, the newest of what it heard from ${heard} (R = ${op.needed}); ${
      latest && latest.value.v === op.value?.v ? 'that is the latest completed write' : 'nothing older than the latest completed write'
    }. ${others}`;
    return outcome('is-fresh', '✓', 'Read up to date.', text);
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button)) return;
    if (button.dataset.fault) {
      const id = button.dataset.id!;
      const fault = button.dataset.fault as Fault;
      const next = model.faultOf(id) === fault ? undefined : fault;
      model.setFault(id, next);
      render();
      announce(`${nameOf(id)} is ${next ? FAULT_TEXT[next] : 'back'}${next === 'crashed' ? ': its notepad survives, but it answers nobody' : next === 'cut' ? ' from the till' : ''}.`);
      return;
    }
    const action = button.dataset.action;
    if (action !== 'write' && action !== 'read') return;
    last = model[action]();
    const { html, text, cls } = describe(last);
    result.className = `diagram-result ${cls}`;
    result.innerHTML = html;
    render();
    announce(text);
  });

  function resize(key: keyof Settings): void {
    const next = { ...settings, [key]: Number(sliders[key].value) };
    if (key === 'n') {
      for (const k of ['r', 'w'] as const) {
        sliders[k].max = String(next.n);
        next[k] = Math.min(next[k], next.n);
        sliders[k].value = String(next[k]);
      }
    }
    settings = next;
    for (const k of ['n', 'r', 'w'] as const) syncSlider(sliders[k]);
    // Keep the faults the reader set, on the baristas that are still there.
    const faults = model.replicas.map((id) => [id, model.faultOf(id)] as const);
    model = new QuorumModel(settings);
    for (const [id, f] of faults) if (f && model.replicas.includes(id)) model.setFault(id, f);
    last = undefined;
    result.className = 'diagram-result';
    result.textContent = 'Settings changed: every barista starts again from v1, so each write you see was made with these settings.';
    render();
  }

  for (const key of ['n', 'r', 'w'] as const) {
    syncSlider(sliders[key]);
    sliders[key].addEventListener('input', () => syncSlider(sliders[key]));
    sliders[key].addEventListener('change', () => {
      resize(key);
      announce(`N = ${settings.n}, R = ${settings.r}, W = ${settings.w}. ${rule()} Every barista starts again from v1.`);
    });
  }
  render();
}
