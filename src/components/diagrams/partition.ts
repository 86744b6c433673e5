/**
 * CAP in two branches: barista 1 and 2 at the original branch, barista 3 at the station, one
 * phone line between them. Cut the line, pick CP or AP, and let Ada (original) and Ben
 * (station) write and read: in CP the cut-off station refuses, in AP both sides answer and
 * their notepads diverge; heal the line and they converge, the last writer winning.
 */
import { BARISTAS, CLIENTS, MAJORITY, PartitionModel, SIDES, WAIT_MS, type Mode, type Outcome, type Side, type Value } from './internal/partition-model.ts';
import { esc, list, lower, nameOf, stage } from './internal/ui.ts';

const SIDE_NAME: Record<Side, string> = { original: 'Original branch', station: 'Station branch' };
const drink = (x: Value | null): string => (x ? `‘${x.drink}’` : 'nothing');
const version = (x: Value | null): string => (x ? `written at ${x.at} ms by ${lower(x.by)}` : '');

let instances = 0;

export function mount(root: HTMLElement): void {
  const model = new PartitionModel();
  const uid = `cap-${++instances}`;
  const shop = (side: Side): string => {
    const { name } = CLIENTS[side];
    return `<div class="cap-shop" role="group" aria-labelledby="${uid}-${side}">
      <p class="cap-shop-name" id="${uid}-${side}">${SIDE_NAME[side]}</p>
      <ul class="cap-baristas" data-role="pads-${side}"></ul>
      <div class="diagram-controls">
        <button type="button" data-write="${side}">${name} writes a new order</button>
        <button type="button" data-read="${side}">${name} reads</button>
      </div>
      <p class="diagram-result" data-role="result-${side}">${name} is served by ${lower(CLIENTS[side].node)}.</p>
    </div>`;
  };
  const { $, announce } = stage(
    root,
    `<div class="diagram-controls">
      <button type="button" data-action="line">Cut the phone line</button>
      <fieldset class="diagram-radios"><legend>During a partition, prefer</legend>
        <label><input type="radio" name="${uid}-mode" value="CP" checked /> CP: refuse without a majority</label>
        <label><input type="radio" name="${uid}-mode" value="AP" /> AP: always answer</label>
      </fieldset>
      <span class="diagram-clock" data-role="clock"></span>
    </div>
    <div class="cap-shops">${shop('original')}<p class="cap-line" data-role="line"></p>${shop('station')}</div>
    <p class="diagram-result" data-role="status"></p>`,
  );
  const lineButton = root.querySelector<HTMLButtonElement>('[data-action="line"]')!;

  function render(): void {
    for (const side of ['original', 'station'] as Side[]) {
      $(`pads-${side}`).innerHTML = SIDES[side]
        .map((id) => {
          const x = model.valueOf(id);
          return `<li><span class="cap-name">${nameOf(id)}</span> <span class="cap-pad">${esc(drink(x))}</span> <span class="cap-version">${version(x)}</span></li>`;
        })
        .join('');
    }
    const cut = model.partitioned;
    $('line').innerHTML = cut ? '<span aria-hidden="true">✂ </span>Phone line cut' : '<span aria-hidden="true">☎ </span>Phone line up';
    $('line').className = `cap-line${cut ? ' is-cut' : ''}`;
    lineButton.textContent = cut ? 'Heal the phone line' : 'Cut the phone line';
    $('clock').textContent = `Virtual time: ${model.nowMs} ms`;
    const status = $('status');
    if (model.converged()) {
      status.className = 'diagram-result is-fresh';
      // "Converged" once the line is up; while cut, agreeing is only the absence of new writes.
      const label = model.partitioned ? 'Same on both sides:' : 'Converged:';
      status.innerHTML = `<strong><span aria-hidden="true">✓ </span>${label}</strong> every barista has ${esc(drink(model.valueOf(BARISTAS[0]!)))}.`;
    } else {
      status.className = 'diagram-result is-stale';
      status.innerHTML = `<strong><span aria-hidden="true">⚠ </span>Diverged:</strong> ${esc(divergence())}`;
    }
  }

  const divergence = (): string =>
    `the original branch has ${drink(model.valueOf(SIDES.original[0]))}, the station branch has ${drink(model.valueOf(SIDES.station[0]))}.`;

  function outcome(o: Outcome): string {
    const { name, node } = CLIENTS[o.side];
    const el = $(`result-${o.side}`);
    if (!o.ok) {
      const why = `${nameOf(node)} heard from only ${o.heard} of ${BARISTAS.length} baristas within ${WAIT_MS} ms (CP needs ${MAJORITY}), so it refused ${name}'s ${o.kind} rather than risk a wrong answer.`;
      el.className = 'diagram-result is-refused';
      el.innerHTML = `<strong><span aria-hidden="true">✗ </span>Unavailable.</strong> ${esc(why)}`;
      return `${name}'s ${o.kind} at ${lower(node)}: unavailable. ${why}`;
    }
    const how = o.mode === 'AP' ? 'answered from its own notepad' : 'confirmed with a majority';
    const text = o.kind === 'write' ? `${name} wrote ${drink(o.value)} at ${lower(node)} (${how}).` : `${name} read ${drink(o.value)} at ${lower(node)} (${how}).`;
    el.className = 'diagram-result is-fresh';
    el.innerHTML = `<strong><span aria-hidden="true">✓ </span>${o.kind === 'write' ? 'Written.' : 'Read.'}</strong> ${esc(text)}`;
    return `${text}${model.converged() ? '' : ` The branches disagree: ${divergence()}`}`;
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button)) return;
    let said: string;
    if (button.dataset.action === 'line') {
      const heal = model.setPartitioned(!model.partitioned);
      if (!heal) {
        said = `Phone line cut: the original branch (barista 1 and barista 2) and the station branch (barista 3) can no longer talk.`;
      } else {
        const lost = heal.overwritten.map((x) => `${drink(x)} (${version(x)})`);
        said = `Phone line healed. The baristas swapped notepads and ${heal.converged ? 'converged' : 'are converging'} on ${drink(heal.after)}, ${version(heal.after)}${
          heal.before.length > 1 ? ': last writer wins' : ''
        }.${lost.length ? ` Lost: ${list(lost)}, written during the partition and overwritten without anyone being told.` : ''}`;
      }
    } else if (button.dataset.write) said = outcome(model.write(button.dataset.write as Side));
    else if (button.dataset.read) said = outcome(model.read(button.dataset.read as Side));
    else return;
    render();
    announce(said);
  });

  root.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    if (input.type !== 'radio') return;
    model.mode = input.value as Mode;
    announce(
      model.mode === 'CP'
        ? 'CP: a barista answers only once a majority of baristas (2 of 3) has; cut off from it, it refuses.'
        : 'AP: every barista answers from its own notepad at once, even when cut off; notepads are reconciled later.',
    );
  });
  render();
}
