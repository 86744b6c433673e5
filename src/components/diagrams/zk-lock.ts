/**
 * ZooKeeper's lock recipe, live: four branches queue for the rare-bean bag as ephemeral
 * sequential znodes under /locks/beans, the lowest holds the lock and each waiter watches the
 * znode just before its own. Release the lock and see how many watch events fired and who
 * listed the children again; switch to the herd variant and see every waiter wake. Crash the
 * holder and wait for its session to expire; pause it past its session timeout and see two
 * branches believe they hold the lock, and the roaster take both orders unless it checks
 * fencing tokens.
 */
import {
  BRANCHES,
  BRANCH_NAME,
  LOCK_PATH,
  SESSION_MS,
  WAIT_MS,
  ZkLockModel,
  type BranchId,
  type BranchView,
  type Happening,
  type Order,
  type Report,
  type Wake,
  type ZnodeView,
} from './internal/zk-lock-model.ts';
import { cap, esc, list, plural, stage } from './internal/ui.ts';
import css from './zk-lock.css?inline';

const N = (id: BranchId): string => BRANCH_NAME[id];
const names = (ids: readonly BranchId[]): string => list(ids.map(N));
/** "6531-lock-0000000000", with the sequence number set apart for the eye. */
const znodeHtml = (name: string): string => `<code class="zk-name">${esc(name.slice(0, -10))}<strong>${esc(name.slice(-10))}</strong></code>`;
const colour = (id: BranchId): string => `c${BRANCHES.indexOf(id)}`;
const icon = (glyph: string): string => `<span aria-hidden="true">${glyph} </span>`;

/** What a change to the lock node's children was, in words. */
function causeText(w: Wake): string {
  switch (w.cause) {
    case 'released':
      return `${N(w.branch)} released the lock at ${w.atMs} ms`;
    case 'left':
      return `${N(w.branch)} stopped waiting at ${w.atMs} ms`;
    case 'expired':
      return `the service expired ${N(w.branch)}'s session at ${w.atMs} ms`;
    case 'joined':
      return `${N(w.branch)} joined the queue at ${w.atMs} ms`;
  }
}

/** "3 watch events fired (at A, B and C) and 3 branches listed the children again (A, B and C)". */
function wakeCounts(w: Pick<Wake, 'events' | 'woken' | 'relisted'>): string {
  const fired = `${plural(w.events, 'watch event')} fired${w.events ? ` (at ${names(w.woken)})` : ''}`;
  const relisted = `${plural(w.relisted.length, 'branch', 'branches')} listed the children again${w.relisted.length ? ` (${names(w.relisted)})` : ''}`;
  return `${fired} and ${relisted}`;
}

function orderVerdict(o: Order, accepted: number): { cls: string; label: string; icon: string; text: string } {
  const who = N(o.branch);
  const holder = o.holder ? `${N(o.holder.branch)} does (token ${o.holder.token})` : 'nobody does';
  if (!o.accepted) {
    return {
      cls: 'is-fresh',
      icon: '✓',
      label: 'Refused: fenced off.',
      text: `The roaster refused ${who}'s order with token ${o.token}: it had already accepted token ${o.highestBefore}, and a lower token means a holder that has since lost the lock. ${who} no longer held it; ${holder}. The bag is not ordered twice.`,
    };
  }
  if (o.stale) {
    const fence = o.fencing
      ? ` The roaster checks tokens, but it had not yet seen one above ${o.token}, so fencing could not catch this one.`
      : ' The roaster does not check fencing tokens, so it took it.';
    return {
      cls: 'is-stale',
      icon: '⚠',
      label: o.holder ? 'Two holders.' : 'A stale holder.',
      text: `The roaster accepted ${who}'s order with token ${o.token}, but ${who} no longer held the lock: ${holder}.${fence}${
        accepted > 1 ? ` The roaster has now accepted ${plural(accepted, 'order')} for the one bag.` : ''
      }`,
    };
  }
  return {
    cls: 'is-fresh',
    icon: '✓',
    label: 'Accepted.',
    text: `The roaster accepted ${who}'s order with token ${o.token}; ${who} holds the lock.${accepted > 1 ? ` It has now accepted ${plural(accepted, 'order')} for the one bag.` : ''}`,
  };
}

/** The first happening of kind `t` in a report (the action that made it is sure to have). */
const first = <T extends Happening['t']>(r: Report, t: T) => r.happened.find((h): h is Extract<Happening, { t: T }> => h.t === t)!;

let instances = 0;

export function mount(root: HTMLElement): void {
  const model = new ZkLockModel();
  const uid = `zk-lock-${++instances}`;
  const card = (id: BranchId) => `<li class="zk-branch ${colour(id)}" aria-labelledby="${uid}-${id}">
      <p class="zk-branch-name" id="${uid}-${id}"><span class="zk-swatch" aria-hidden="true"></span>${N(id)}</p>
      <p class="zk-branch-state" data-role="state-${id}"></p>
      <p class="zk-branch-session" data-role="session-${id}"></p>
      <div class="zk-branch-actions">
        <button type="button" data-branch="${id}" data-do="lock">${N(id)} asks for the lock</button>
        <button type="button" data-branch="${id}" data-do="order">${N(id)} orders the bag</button>
      </div>
    </li>`;
  const { $, announce } = stage(
    root,
    `<div class="diagram-controls zk-toggles" role="group" aria-label="The recipe and the roaster">
      <label class="zk-check"><input type="checkbox" data-role="herd" /> Waiters watch the lock node's children (herd)</label>
      <label class="zk-check"><input type="checkbox" data-role="fencing" /> Roaster checks fencing tokens</label>
    </div>
    <ul class="zk-branches" aria-label="Branches">${BRANCHES.map(card).join('')}</ul>
    <div class="diagram-controls" role="group" aria-label="Faults and time">
      <button type="button" data-action="crash">Crash the holder</button>
      <button type="button" data-action="pause">Pause the holder past its session timeout</button>
      <button type="button" data-action="wait">Wait ${WAIT_MS} ms</button>
      <button type="button" data-action="next">Wait until something happens</button>
      <span class="diagram-clock" data-role="clock"></span>
    </div>
    <div class="zk-panels">
      <div class="zk-lock-node" role="group" aria-labelledby="${uid}-lock">
        <p class="zk-panel-title" id="${uid}-lock"><code>${LOCK_PATH}</code>: the lock node's children, lowest first</p>
        <p class="zk-child-watch" data-role="child-watchers"></p>
        <ol class="zk-children" data-role="children"></ol>
      </div>
      <div class="zk-roaster" role="group" aria-labelledby="${uid}-roaster">
        <p class="zk-panel-title" id="${uid}-roaster">The roaster</p>
        <p class="zk-roaster-rule" data-role="roaster-rule"></p>
        <ol class="zk-orders" data-role="orders"></ol>
        <p class="diagram-result" data-role="roaster-result">No orders yet. A branch that holds the lock orders the bag with its fencing token: its znode's sequence number.</p>
      </div>
    </div>
    <div class="zk-wakes" data-role="wakes">
      <p class="diagram-result" data-role="wake-change"></p>
      <p class="zk-wake-join" data-role="wake-join"></p>
    </div>
    <p class="diagram-result" data-role="holders"></p>
    <p class="diagram-hint">Sessions time out after ${SESSION_MS} ms without a heartbeat; every message takes 5 ms. Each action runs until the recipe settles; only the Wait buttons move time on further.</p>`,
    { id: 'diagram-zk-lock-css', css },
  );
  const herdBox = $<HTMLInputElement>('herd');
  const fencingBox = $<HTMLInputElement>('fencing');
  const pauseButton = root.querySelector<HTMLButtonElement>('[data-action="pause"]')!;
  const crashButton = root.querySelector<HTMLButtonElement>('[data-action="crash"]')!;
  const nextButton = root.querySelector<HTMLButtonElement>('[data-action="next"]')!;
  const button = (id: BranchId, what: 'lock' | 'order') => root.querySelector<HTMLButtonElement>(`[data-branch="${id}"][data-do="${what}"]`)!;

  /** Greys a control out but keeps it focusable; pressing it says why it does nothing. */
  const available = (b: HTMLButtonElement, ok: boolean): void => {
    if (ok) b.removeAttribute('aria-disabled');
    else b.setAttribute('aria-disabled', 'true');
  };
  const inMs = (atMs: number): string => `${atMs} ms (in ${Math.max(0, atMs - model.nowMs)} ms)`;

  function stateText(b: BranchView): { html: string; text: string } {
    const say = (glyph: string, text: string) => ({ html: `${icon(glyph)}${esc(text)}`, text });
    if (b.process === 'crashed') {
      return say(
        '✗',
        b.expiresAtMs !== undefined
          ? `Crashed at ${b.sinceMs} ms. Its session expires at ${inMs(b.expiresAtMs)} unless the service hears from it.`
          : `Crashed at ${b.sinceMs} ms. Its session expired at ${b.expiredAtMs} ms, and its znode with it.`,
      );
    }
    const session =
      b.process === 'paused'
        ? b.expiresAtMs !== undefined
          ? ` Its session expires at ${inMs(b.expiresAtMs)}.`
          : ` Its session expired at ${b.expiredAtMs} ms, but it cannot know.`
        : '';
    if (b.process === 'paused') {
      const belief = b.phase === 'holding' ? `It believes it holds the lock (token ${b.token}).` : `It believes it is ${b.phase}.`;
      return say('‖', `Paused since ${b.sinceMs} ms. ${belief}${session}`);
    }
    switch (b.phase) {
      case 'holding':
        return say('★', `Holds the lock, token ${b.token}.`);
      case 'waiting': {
        const w = b.watching;
        if (!w) return say('…', 'Waiting; looking at the queue.');
        if (w.kind === 'children') return say('⤒', `Waiting; watches the children of ${LOCK_PATH}.`);
        const owner = model.znodes().find((z) => z.name === w.name)?.owner;
        return say('↑', `Waiting; watches ${w.name}${owner ? `, ${N(owner)}'s znode` : ''}.`);
      }
      case 'lost':
        return say('✗', 'Lost its place: its session expired. Asking again opens a new session.');
      case 'idle':
        return say('–', 'Not in the queue.');
    }
  }

  function renderBranches(): void {
    const target = model.target();
    for (const b of model.branches()) {
      const s = stateText(b);
      const el = $(`state-${b.id}`);
      el.innerHTML = s.html;
      el.className = `zk-branch-state is-${b.process === 'up' ? b.phase : b.process}`;
      $(`session-${b.id}`).textContent =
        b.process === 'crashed'
          ? 'No process, so no heartbeats.'
          : `${b.sessionId ? `Session ${b.sessionId}` : 'New session'}: ${b.session}${b.process === 'paused' ? ', as far as it knows' : ''}`;
      const lock = button(b.id, 'lock');
      lock.textContent =
        b.process === 'crashed'
          ? `Restart ${b.name}`
          : b.phase === 'holding'
            ? `${b.name} releases the lock`
            : b.phase === 'waiting'
              ? `${b.name} stops waiting`
              : `${b.name} asks for the lock`;
      available(lock, b.process !== 'paused');
      available(button(b.id, 'order'), b.process === 'up' && b.phase === 'holding');
      root.querySelector(`[aria-labelledby="${uid}-${b.id}"]`)!.classList.toggle('is-holding', b.phase === 'holding' && b.process !== 'crashed');
    }
    const paused = model.paused();
    pauseButton.textContent = paused ? `Resume ${N(paused)}` : 'Pause the holder past its session timeout';
    available(pauseButton, !!paused || 'branch' in target);
    available(crashButton, 'branch' in target);
    available(nextButton, model.due().length > 0);
  }

  function znodeRow(z: ZnodeView, i: number, all: ZnodeView[]): string {
    const owner = model.branch(z.owner);
    let role: string;
    let cls = '';
    if (!z.current) {
      role = `${icon('✗')}Left by ${N(z.owner)}'s crashed process: it goes when session ${z.session} expires${z.expiresAtMs !== undefined ? `, at ${inMs(z.expiresAtMs)}` : ''}.${z.lowest ? ' Until then nobody can have the lock.' : ''}`;
      cls = 'is-orphan';
    } else if (z.lowest) {
      cls = 'is-holder';
      const token = `token ${z.seq}`;
      if (owner.process === 'paused') role = `${icon('★')}Lowest: ${N(z.owner)} holds the lock (${token}) but is paused; its session expires at ${inMs(z.expiresAtMs!)}.`;
      else if (owner.phase === 'holding') role = `${icon('★')}Lowest: ${N(z.owner)} holds the lock, ${token}.`;
      else role = `${icon('★')}Lowest: ${N(z.owner)} has not yet found out that it holds the lock.`;
    } else {
      role = `${icon('…')}${N(z.owner)} waits.`;
      cls = 'is-waiting';
    }
    let watch = '';
    const w = z.current && owner.process !== 'crashed' ? owner.watching : undefined;
    if (w?.kind === 'predecessor') {
      const target = all.find((x) => x.name === w.name);
      const above = target !== undefined && all[i - 1] === target;
      if (above) cls += ' watches-up';
      watch = `<span class="zk-watch">${icon('↑')}watches ${esc(w.name)}${target ? ` (${N(target.owner)}'s)` : ', now gone: its watch is firing'}</span>`;
    } else if (w?.kind === 'children') {
      cls += ' watches-children';
      watch = `<span class="zk-watch">${icon('⤒')}watches the children of ${LOCK_PATH}</span>`;
    }
    const arrow = cls.includes('watches-up')
      ? '<svg class="zk-arrow" aria-hidden="true" viewBox="0 0 12 20" width="12" height="20"><path d="M6 19V3M1.5 7.5 6 2l4.5 5.5" /></svg>'
      : '';
    return `<li class="zk-znode ${colour(z.owner)} ${cls}">${arrow}${znodeHtml(z.name)} <span class="zk-owner">${N(z.owner)}</span>
      <span class="zk-role">${role}</span> ${watch}</li>`;
  }

  function renderLockNode(): void {
    const all = model.znodes();
    $('children').innerHTML = all.length
      ? all.map((z, i) => znodeRow(z, i, all)).join('')
      : `<li class="zk-empty">${icon('–')}No children: nobody holds or waits for the lock.</li>`;
    const watchers = model.childWatchers();
    $('child-watchers').innerHTML = watchers.length
      ? `${icon('⤒')}Watched (getChildren with a watch) by ${esc(names(watchers))}: any change to the children wakes ${watchers.length === 1 ? 'it' : 'them all'}.`
      : `${icon('–')}No watch on the children: each waiter watches only the znode just before its own.`;
  }

  function renderRoaster(): void {
    const highest = model.highestToken;
    $('roaster-rule').textContent = model.fencing
      ? `Checks fencing tokens: it refuses any order with a token below the highest it has accepted${highest !== undefined ? ` (so far ${highest})` : ''}.`
      : 'Takes every order: it does not check fencing tokens.';
    const orders = model.orders();
    $('orders').innerHTML = orders
      .slice(-4)
      .map(
        (o) =>
          `<li class="${o.accepted ? 'is-accepted' : 'is-refused'}">${icon(o.accepted ? '✓' : '✗')}${o.atMs} ms: ${o.accepted ? 'accepted' : 'refused'} ${N(o.branch)}'s order, token ${o.token}${
            o.accepted && o.stale ? ' (not the holder)' : ''
          }</li>`,
      )
      .join('');
  }

  function showOrder(o: Order): string {
    const v = orderVerdict(o, model.orders().filter((x) => x.accepted).length);
    const el = $('roaster-result');
    el.className = `diagram-result ${v.cls}`;
    el.innerHTML = `<strong>${icon(v.icon)}${esc(v.label)}</strong> ${esc(v.text)}`;
    return `${v.label} ${v.text}`;
  }

  function renderWakes(): void {
    const { change, join } = model.wakes();
    const el = $('wake-change');
    if (!change) {
      el.className = 'diagram-result';
      el.textContent = 'No release or expiry yet. Release the lock to see whom it wakes.';
    } else {
      const herd = change.relisted.length > 1;
      el.className = `diagram-result${herd ? ' is-stale' : ''}`;
      const got = change.granted ? ` ${N(change.granted.branch)} got the lock.` : '';
      el.innerHTML = `<strong>${icon(herd ? '⚠' : '↻')}After the last release or expiry</strong> (${esc(causeText(change))}): <span data-role="wake-events">${change.events}</span> ${
        change.events === 1 ? 'watch event' : 'watch events'
      } fired${change.events ? ` (at ${esc(names(change.woken))})` : ''}; <span data-role="wake-relisted">${change.relisted.length}</span> ${
        change.relisted.length === 1 ? 'branch' : 'branches'
      } listed the children again${change.relisted.length ? ` (${esc(names(change.relisted))})` : ''}.${esc(got)}${
        herd ? ` <strong>The herd:</strong> ${esc(`every waiter woke for one of them to win${change.granted ? '' : ' (or none)'}; the others went back to waiting.`)}` : ''
      }`;
    }
    $('wake-join').textContent = join ? `After the last join (${causeText(join)}): ${wakeCounts(join)}.` : '';
  }

  function renderHolders(): void {
    const believers = model.believers();
    const el = $('holders');
    const holder = model.holder();
    const who = (id: BranchId): string => {
      const b = model.branch(id);
      if (b.process !== 'paused') return `${b.name} (token ${b.token})`;
      return `${b.name} (token ${b.token}, paused; ${b.expiredAtMs !== undefined ? `its session expired at ${b.expiredAtMs} ms` : 'its session is still open'})`;
    };
    if (believers.length === 0) {
      el.className = 'diagram-result';
      el.innerHTML = `${icon('–')}Nobody believes it holds the lock${holder && !holder.current ? `; the lowest znode is a crashed process's` : ''}.`;
    } else if (believers.length === 1 && holder?.owner === believers[0] && holder.current) {
      el.className = 'diagram-result is-fresh';
      el.innerHTML = `<strong>${icon('✓')}One holder:</strong> ${esc(who(believers[0]))}.`;
    } else if (believers.length === 1) {
      el.className = 'diagram-result is-stale';
      el.innerHTML = `<strong>${icon('⚠')}A holder that is not one:</strong> ${esc(who(believers[0]!))} believes it holds the lock, but the service no longer agrees.`;
    } else {
      el.className = 'diagram-result is-stale';
      el.innerHTML = `<strong>${icon('⚠')}Two holders:</strong> ${esc(`${list(believers.map(who))} each believe they hold the lock.`)}`;
    }
  }

  function render(): void {
    $('clock').textContent = `Virtual time: ${model.nowMs} ms`;
    renderBranches();
    renderLockNode();
    renderRoaster();
    renderWakes();
    renderHolders();
  }

  /** Says what happened during an action, in order, one sentence per thing worth saying. */
  function narrate(r: Report): string {
    const out: string[] = [];
    const joined = new Set(r.happened.filter((h) => h.t === 'joined').map((h) => h.branch));
    let acc: { events: number; woken: BranchId[]; relisted: BranchId[]; then?: string } | undefined;
    const flush = (): void => {
      if (acc && (acc.events || acc.relisted.length)) out.push(`${cap(wakeCounts(acc))}.`);
      if (acc?.then) out.push(acc.then);
      acc = undefined;
    };
    const lastWatching = new Map<BranchId, Extract<Happening, { t: 'watching' }>>();
    for (const h of r.happened) if (h.t === 'watching') lastWatching.set(h.branch, h);
    for (const h of r.happened) {
      switch (h.t) {
        case 'joined': {
          flush();
          out.push(`${N(h.branch)} created ${h.name} under ${LOCK_PATH} at ${h.atMs} ms.`);
          acc = { events: 0, woken: [], relisted: [] };
          const w = lastWatching.get(h.branch)?.watching;
          if (w && !r.happened.some((x) => x.t === 'granted' && x.branch === h.branch)) {
            const owner = w.kind === 'predecessor' ? model.znodes().find((z) => z.name === w.name)?.owner : undefined;
            acc.then =
              w.kind === 'children'
                ? `${N(h.branch)} waits, watching the children of ${LOCK_PATH}.`
                : `${N(h.branch)} waits, watching ${w.name}${owner ? `, ${N(owner)}'s znode just before its own` : ''}.`;
          }
          break;
        }
        case 'removed':
          if (h.cause === 'expired') break;
          flush();
          out.push(h.cause === 'released' ? `${N(h.branch)} released the lock at ${h.atMs} ms, deleting ${h.name}.` : `${N(h.branch)} stopped waiting at ${h.atMs} ms, deleting ${h.name}.`);
          acc = { events: 0, woken: [], relisted: [] };
          break;
        case 'expired': {
          flush();
          // A restarted branch runs on a new session: the one that expired was its crashed process's.
          const now = model.branch(h.branch);
          const whose = now.process === 'up' && now.sessionId !== h.session ? `${N(h.branch)}'s crashed process` : N(h.branch);
          out.push(`At ${h.atMs} ms the service, having heard nothing from ${whose} for ${SESSION_MS} ms, expired its session ${h.session} and deleted its znode.`);
          acc = { events: 0, woken: [], relisted: [] };
          break;
        }
        case 'woken':
          acc ??= { events: 0, woken: [], relisted: [] };
          acc.events++;
          acc.woken.push(h.branch);
          break;
        case 'relisted':
          acc ??= { events: 0, woken: [], relisted: [] };
          if (!acc.relisted.includes(h.branch)) acc.relisted.push(h.branch);
          break;
        case 'granted':
          flush();
          out.push(
            joined.has(h.branch)
              ? `Its znode is the lowest: ${N(h.branch)} holds the lock, token ${h.token}.`
              : `At ${h.atMs} ms ${N(h.branch)} found its znode lowest: it holds the lock, token ${h.token}.`,
          );
          break;
        case 'sent':
          flush();
          out.push(`${N(h.branch)} sent the roaster its order with token ${h.token} at ${h.atMs} ms.`);
          break;
        case 'order':
          flush();
          out.push(showOrder(h.order));
          break;
        case 'lost':
          flush();
          out.push(`At ${h.atMs} ms ${N(h.branch)} heard that its session had expired and let go of the lock.`);
          break;
        case 'connected':
          if (!r.happened.some((x) => x.t === 'restarted' && x.branch === h.branch)) out.push(`Its last session over, ${N(h.branch)} first opened a new one, session ${h.session}.`);
          break;
        case 'restarted':
          out.push(`${N(h.branch)} restarted at ${h.atMs} ms: a new process, with a new session. It is not in the queue until it asks.`);
          break;
        case 'resumed':
          out.push(`${N(h.branch)} resumed at ${h.atMs} ms and carried on where it stopped, still believing it held the lock.`);
          break;
        default:
          break;
      }
    }
    flush();
    return out.join(' ');
  }

  const twoHolders = (): string => {
    const b = model.believers();
    return b.length > 1 ? ` Two branches now believe they hold the lock: ${names(b)}.` : '';
  };

  function waited(r: Report): string {
    const said = narrate(r);
    const due = model.due()[0];
    const next = due ? ` ${N(due.branch)}'s session ${due.session} expires at ${inMs(due.atMs)} if it stays silent.` : '';
    return `Waited ${r.toMs - r.fromMs} ms; now ${r.toMs} ms. ${said || 'Nothing happened: the running branches kept their sessions alive with heartbeats.'}${next}`;
  }

  root.addEventListener('click', (e) => {
    const b = (e.target as Element).closest('button');
    if (!b || !root.contains(b)) return;
    let r: Report;
    let said: (r: Report) => string = narrate;
    const id = b.dataset.branch as BranchId | undefined;
    if (id && b.dataset.do === 'lock') {
      const view = model.branch(id);
      if (view.process === 'crashed') r = model.restart(id);
      else if (view.phase === 'waiting' || view.phase === 'holding') r = model.release(id);
      else r = model.ask(id);
    } else if (id && b.dataset.do === 'order') r = model.order(id);
    else if (b.dataset.action === 'crash') {
      r = model.crashHolder();
      said = (r) => {
        const h = first(r, 'crashed');
        const due = model.due().find((d) => d.branch === h.branch);
        return `${N(h.branch)}, the holder, crashed at ${h.atMs} ms. Its znode stays, and nobody else can have the lock, until the service expires its session${
          due ? ` at ${inMs(due.atMs)}` : ''
        }, ${SESSION_MS} ms after it last heard from it. Wait to get there.`;
      };
    } else if (b.dataset.action === 'pause') {
      if (model.paused()) {
        r = model.resume();
      } else {
        r = model.pauseHolder();
        said = (r) => {
          const h = first(r, 'paused');
          const token = model.branch(h.branch).token;
          return `${N(h.branch)} froze at ${h.atMs} ms, a long garbage-collection pause, just as it went to order the bag with token ${token}. ${narrate(r)} ${N(h.branch)} is still paused and still believes it holds the lock.${twoHolders()} Resume ${N(h.branch)} to see its order reach the roaster.`;
        };
      }
    } else if (b.dataset.action === 'wait') {
      r = model.wait(WAIT_MS);
      said = waited;
    } else if (b.dataset.action === 'next') {
      r = model.waitForNext();
      said = waited;
    } else return;
    render();
    const paused = model.paused();
    if (r.refused && b.dataset.action === 'next' && paused) {
      return announce(`Nothing is due to happen on its own: ${N(paused)} stays paused until you resume it, and every running branch keeps its session alive with heartbeats.`);
    }
    announce(r.refused ?? (said(r) || 'Nothing changed.'));
  });

  root.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    if (input === herdBox) {
      model.herd = input.checked;
      announce(
        model.herd
          ? `Herd variant: from their next look at the queue, waiters list the children of ${LOCK_PATH} with a watch (getChildren) instead of watching the znode before their own, so every change wakes every waiter.`
          : 'The recipe as written: from their next look at the queue, waiters watch only the znode just before their own (exists with a watch), so a release wakes one waiter.',
      );
    } else if (input === fencingBox) {
      model.fencing = input.checked;
      const highest = model.highestToken;
      announce(
        model.fencing
          ? `The roaster now checks fencing tokens: it refuses any order whose token is lower than the highest it has accepted${highest !== undefined ? ` (${highest})` : ''}.`
          : 'The roaster no longer checks fencing tokens: it takes every order.',
      );
    } else return;
    render();
  });
  render();
}
