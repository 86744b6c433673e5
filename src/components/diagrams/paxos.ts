/**
 * Single-decree Paxos, stepped by hand: head baristas agree on the drink of the day. P1 proposes
 * ‘latte’, P2 ‘mocha’; three or five acceptors vote; the menu board learns. Every message waits
 * in flight until the reader delivers or drops it; acceptors and proposers crash and restart;
 * a duel makes both proposers pre-empt each other. The diagram says when a value is chosen (a
 * fact about the acceptors) and, separately, who has learned it. With promises kept only in
 * memory, a restarted acceptor forgets, and the diagram shows and explains two chosen values.
 */
import css from './paxos.css?inline';
import {
  LEARNER,
  OWN_VALUE,
  PROPOSERS,
  PaxosModel,
  RUN_LIMIT,
  acceptedText,
  ballotText,
  messageText,
  playRestartScenario,
  quoted,
  type AcceptorCount,
  type Chosen,
  type InFlight,
  type Note,
  type ProposerId,
  type ProposerView,
} from './internal/paxos-model.ts';
import { cap, esc, list, plural, stage } from './internal/ui.ts';

const LOG_MAX = 200;
const who = (id: string): string => (id === LEARNER ? 'the menu board (L)' : id);
const route = (m: { from: string; to: string }): string => `${who(m.from)} to ${who(m.to)}`;
const spoken = (m: InFlight): string => `${messageText(m.body)} from ${route(m)}`;
const CLASS: Record<ProposerId, string> = { P1: 'c0', P2: 'c1' };

let instances = 0;

export function mount(root: HTMLElement): void {
  const uid = `paxos-${++instances}`;
  let settings: { acceptors: AcceptorCount; persist: boolean } = { acceptors: 3, persist: true };
  let model = new PaxosModel(settings);
  let log: { title: string; text: string }[] = [];

  const { $, announce } = stage(
    root,
    `<div class="diagram-controls" role="group" aria-label="Settings">
      <fieldset class="diagram-radios"><legend>Acceptors</legend>
        <label><input type="radio" name="${uid}-n" value="3" checked /> 3 (A1–A3)</label>
        <label><input type="radio" name="${uid}-n" value="5" /> 5 (A1–A5)</label>
      </fieldset>
      <label class="paxos-toggle"><input type="checkbox" data-role="persist" checked aria-describedby="${uid}-reset-hint" /> Acceptors keep promises on disk</label>
      <button type="button" data-action="reset">Start over</button>
    </div>
    <p class="diagram-hint" id="${uid}-reset-hint">Changing the number of acceptors or where they keep their promises starts over.</p>
    <div class="diagram-controls" role="group" aria-label="Proposals">
      <button type="button" data-action="propose" data-id="P1">P1 proposes ${quoted(OWN_VALUE.P1)}</button>
      <button type="button" data-action="propose" data-id="P2">P2 proposes ${quoted(OWN_VALUE.P2)}</button>
      <button type="button" data-action="duel">Duel: both propose and keep retrying</button>
      <button type="button" data-action="show">Show me: an acceptor restarts mid-decision</button>
    </div>
    <div class="paxos-row">
      <div class="paxos-group" role="group" aria-labelledby="${uid}-proposers">
        <p class="paxos-group-name" id="${uid}-proposers">Proposers</p>
        <ul class="paxos-nodes" data-role="proposers"></ul>
      </div>
      <div class="paxos-group paxos-group-board" role="group" aria-labelledby="${uid}-board">
        <p class="paxos-group-name" id="${uid}-board">Learner</p>
        <div class="paxos-node paxos-board" data-role="board"></div>
      </div>
    </div>
    <div class="paxos-group" role="group" aria-labelledby="${uid}-acceptors">
      <p class="paxos-group-name" id="${uid}-acceptors" data-role="acceptors-name"></p>
      <ul class="paxos-nodes" data-role="acceptors"></ul>
    </div>
    <div class="diagram-result" data-role="chosen"></div>
    <div class="paxos-group" role="group" aria-labelledby="${uid}-flight">
      <p class="paxos-group-name" id="${uid}-flight" data-role="flight-name"></p>
      <div class="diagram-controls">
        <button type="button" data-action="next">Deliver next message</button>
        <button type="button" data-action="unlucky" aria-describedby="${uid}-unlucky-hint">Deliver next, accepts last</button>
        <button type="button" data-action="run">Run until quiet</button>
      </div>
      <p class="diagram-hint" id="${uid}-unlucky-hint">“Deliver next” takes the oldest message. “Accepts last” holds accept and accepted messages back while any prepare, promise or nack is in flight: the unlucky timing that keeps two duelling proposers pre-empting each other. “Run until quiet” delivers oldest first until nothing is in flight.</p>
      <ol class="paxos-flight" data-role="flight"></ol>
    </div>
    <details class="paxos-log">
      <summary>Step-by-step history</summary>
      <ol data-role="log" tabindex="0" aria-label="Step-by-step history, oldest first"></ol>
    </details>`,
    { id: 'diagram-paxos-css', css },
  );
  const persistBox = $<HTMLInputElement>('persist');

  // ---- Words ----------------------------------------------------------------------------------

  function sentence(n: Note): string {
    switch (n.t) {
      case 'propose': {
        const sent = `prepare${ballotText(n.ballot)} sent to ${list(model.acceptors)}`;
        if (n.after) {
          return `${n.proposer} was refused: ${n.after.by} has promised ${ballotText(n.after.promised)}, above ${ballotText(n.after.ballot)}. Duelling, ${n.proposer} starts again at once with the higher ${ballotText(n.ballot)}: ${sent}.`;
        }
        return `${n.proposer} starts a round for ${quoted(OWN_VALUE[n.proposer])} with ballot ${ballotText(n.ballot)}: ${sent}.`;
      }
      case 'down':
        return `${who(n.node)} is down, so it cannot propose: restart it first.`;
      case 'deliver':
        return `Delivered ${messageText(n.message.body)} from ${route(n.message)}.`;
      case 'drop':
        return `Dropped ${messageText(n.message.body)} from ${route(n.message)}: ${who(n.message.to)} will never receive it.`;
      case 'lost':
        return `${cap(messageText(n.message.body))} from ${route(n.message)} is lost: ${who(n.message.to)} is down.`;
      case 'promise':
        return `${n.acceptor} promised ${ballotText(n.ballot)}${n.disk ? ', writing it to disk first,' : ', in memory only,'} and reports ${
          n.accepted ? `that it accepted ${acceptedText(n.accepted)}` : 'that it has accepted nothing'
        }.`;
      case 'refuse':
        return `${n.acceptor} refused ${n.kind}${ballotText(n.ballot)}: it has promised ${ballotText(n.promised)}, which is higher, and sends a nack.`;
      case 'accept':
        return `${n.acceptor} accepted ${ballotText(n.ballot)} ${quoted(n.value)}${n.disk ? ' (on disk)' : ' (in memory only)'} and tells ${n.ballot.node} and the menu board.`;
      case 'phase2': {
        const head = `${n.proposer} has promises from a majority (${list(n.promisers)}) for ${ballotText(n.ballot)}.`;
        const own = OWN_VALUE[n.proposer];
        if (!n.adopted) return `${head} None reported an accepted value, so ${n.proposer} proposes its own ${quoted(n.value)}: accept sent to every acceptor.`;
        return `${head} ${n.adopted.from} reported ${acceptedText(n.adopted.accepted)}, the highest-numbered proposal reported, so ${n.proposer} must propose ${quoted(n.value)}${
          n.value === own ? '' : `, not its own ${quoted(own)}`
        }: accept sent to every acceptor.`;
      }
      case 'gave-up':
        return `${n.proposer} gave up on ${ballotText(n.ballot)}: ${n.by} has promised ${ballotText(n.promised)}. Press “${n.proposer} proposes” to try again with a higher number.`;
      case 'learn':
        return `${cap(who(n.who))} learned that ${quoted(n.value)} was chosen: ${list(n.by)} accepted ${ballotText(n.ballot)}, a majority.`;
      case 'ignore': {
        const what = `${cap(who(n.who))} ignores ${messageText(n.message)}`;
        if (n.why === 'old-round') return `${what}: that round is over for it.`;
        if (n.why === 'has-majority') return `${what}: it already has a majority of promises for this round.`;
        if (n.why === 'gave-up') return `${what}: it has given up on this round.`;
        return `${what}: it already knows what was chosen.`;
      }
      case 'chosen': {
        const c = n.chosen;
        const fact = `${list(c.by)} accepted ${ballotText(c.ballot)} ${quoted(c.value)}, a majority of ${model.acceptors.length}`;
        if (n.earlier.length === 0)
          return `${quoted(c.value)} is now chosen: ${fact}. Nobody knows it yet; the acceptors tell the proposer and the menu board in accepted messages.`;
        if (n.earlier.includes(c.value))
          return `${cap(fact)}: ${quoted(c.value)} is chosen again, at a higher number. Once chosen, a value can only be repeated.`;
        return `A second value is chosen: ${fact}, though ${list(n.earlier.map(quoted))} was chosen before. Agreement is broken.`;
      }
      case 'crash': {
        const lost = n.lost.length ? ` ${plural(n.lost.length, 'message')} on the way to it ${n.lost.length === 1 ? 'was' : 'were'} lost.` : '';
        if (n.kept === 'none') return `${n.node} crashed. It keeps its round number on disk; what it was doing is gone.${lost}`;
        if (n.kept === 'disk') return `${n.node} crashed. Its promise and accepted proposal are on disk and survive.${lost}`;
        const had =
          n.had && (n.had.promised || n.had.accepted)
            ? `its promise ${n.had.promised ? ballotText(n.had.promised) : 'none'} and its accepted ${acceptedText(n.had.accepted)}`
            : 'nothing yet';
        return `${n.node} crashed, and with it what it kept only in memory: ${had}.${lost}`;
      }
      case 'restart':
        if (n.round !== undefined)
          return `${n.node} restarted and read its round number (${n.round}) from disk, so its next ballot will be higher. It remembers nothing else.`;
        if (n.fromDisk)
          return `${n.node} restarted and read back from disk: promised ${n.promised ? ballotText(n.promised) : 'nothing'}, accepted ${acceptedText(n.accepted)}.`;
        return `${n.node} restarted blank: it remembers no promise and no accepted value.`;
      case 'duel':
        return n.proposers.length
          ? `Duel: ${list(n.proposers)} propose, and each answers every refusal with a higher number at once, until it learns the chosen value.`
          : 'Duel: no proposer is up.';
      case 'quiet':
        if (n.delivered === 0) return 'Nothing to deliver: no message is in flight.';
        return n.limited
          ? `Delivered ${plural(n.delivered, 'message')}, oldest first, and stopped: messages are still in flight.`
          : `Delivered ${plural(n.delivered, 'message')}, oldest first; nothing is left in flight.`;
      case 'nothing':
        return 'Nothing to deliver: no message is in flight.';
    }
  }

  const learnedBy = (): { knows: string[]; not: string[] } => {
    const knows: string[] = [];
    const not: string[] = [];
    for (const id of PROPOSERS) (model.proposer(id).learned ? knows : not).push(id);
    (model.board.learned ? knows : not).push(who(LEARNER));
    return { knows, not };
  };

  /** The verdict: what is chosen (a fact about the acceptors), who knows it, and a broken agreement explained. */
  function verdict(): { cls: string; html: string; text: string } {
    const n = model.acceptors.length;
    const chosen = model.chosen;
    const values = model.chosenValues();
    const out = (cls: string, icon: string, label: string, text: string) => ({
      cls,
      text: `${label} ${text}`.trim(),
      html: `${icon ? `<strong><span aria-hidden="true">${icon} </span>${esc(label)}</strong> ` : ''}${esc(icon ? text : `${label} ${text}`)}`,
    });
    if (chosen.length === 0) {
      return out(
        '',
        '',
        'Nothing is chosen yet.',
        `A value is chosen the moment a majority of the acceptors (${model.majority} of ${n}) has accepted the same ballot, whether or not anyone knows it.`,
      );
    }
    const how = (c: Chosen) => `${list(c.by)} accepted ${ballotText(c.ballot)}`;
    if (values.length === 1) {
      const first = chosen[0]!;
      const { knows, not } = learnedBy();
      const knowledge =
        knows.length === 0
          ? 'No proposer and no learner knows yet.'
          : not.length === 0
            ? `${cap(list(knows))} have learned it.`
            : `${cap(list(knows))} ${knows.length === 1 ? 'has' : 'have'} learned it; ${list(not)} ${not.length === 1 ? 'has' : 'have'} not yet.`;
      const again = chosen.length > 1 ? ` Later ballots carried the same value: ${list(chosen.slice(1).map((c) => ballotText(c.ballot)))}.` : '';
      return out(
        'is-fresh',
        '✓',
        `Chosen: ${quoted(first.value)}.`,
        `${how(first)}, a majority of ${n}. That is a fact about the acceptors. ${knowledge}${again}`,
      );
    }
    const firsts = values.map((v) => chosen.find((c) => c.value === v)!);
    const [a, b] = firsts as [Chosen, Chosen];
    const what = `${list(firsts.map((c) => `${quoted(c.value)} when ${how(c)}`))}.`;
    const culprits = model.forgotten.filter((f) => a.by.includes(f.acceptor) && f.action < b.action);
    const why = culprits.length
      ? culprits
          .map(
            (f) =>
              `${f.acceptor} was in the majority that chose ${quoted(a.value)}, but kept its promise and accepted value only in memory: it crashed and restarted having forgotten ${
                f.accepted ? `that it accepted ${acceptedText(f.accepted)}` : `its promise ${ballotText(f.promised!)}`
              }. Its answer to a later prepare no longer mentioned ${quoted(a.value)}, so ${b.ballot.node} was free to propose ${quoted(b.value)} at ${ballotText(b.ballot)}, and a majority including ${f.acceptor} accepted it.`,
          )
          .join(' ')
      : 'An acceptor that kept its promises only in memory forgot them in a crash and restart.';
    const learned = [...PROPOSERS.map((id) => [id, model.proposer(id).learned] as const), [who(LEARNER), model.board.learned] as const].filter(([, v]) => v);
    const disagree = new Set(learned.map(([, v]) => v)).size > 1 ? ` ${cap(list(learned.map(([id, v]) => `${id} learned ${quoted(v!)}`)))}.` : '';
    return out(
      'is-refused',
      '⚠',
      `Agreement broken: ${values.length === 2 ? 'two' : values.length} values were chosen.`,
      `${what} Why: ${why}${disagree} With “Acceptors keep promises on disk” on, the same steps choose only one value.`,
    );
  }

  // ---- Drawing --------------------------------------------------------------------------------

  function proposerLine(p: ProposerView): string {
    const needs = `needs ${model.majority}`;
    if (!p.up) return `Round number on disk: ${p.round}.`;
    switch (p.phase) {
      case 'idle':
        return p.ballot ? `Gave up on ${ballotText(p.ballot)}.` : 'No round yet.';
      case 'preparing':
        return `Phase 1, ${ballotText(p.ballot!)}: promises from ${list(p.promisedBy, 'none yet')} (${needs}).`;
      case 'accepting':
        return `Phase 2, ${ballotText(p.ballot!)} ${quoted(p.value!)}: accepted by ${list(p.acceptedBy, 'none yet')} (${needs}).`;
      case 'learned':
        return `Finished${p.ballot ? ` after ${ballotText(p.ballot)}` : ''}.`;
    }
  }

  const upText = (up: boolean): string => (up ? '<span aria-hidden="true">✓ </span>up' : '<span aria-hidden="true">✗ </span>down');
  const toggle = (id: string, up: boolean): string =>
    `<button type="button" data-node="${id}" data-op="${up ? 'crash' : 'restart'}">${up ? 'Crash' : 'Restart'} ${id}</button>`;

  function render(): void {
    const active = document.activeElement instanceof HTMLElement && root.contains(document.activeElement) ? document.activeElement : undefined;
    const focus = active?.dataset.node
      ? `[data-node="${active.dataset.node}"]`
      : active?.dataset.msg
        ? { op: active.dataset.op!, index: [...root.querySelectorAll(`[data-op="${active.dataset.op}"][data-msg]`)].indexOf(active) }
        : undefined;

    $('proposers').innerHTML = PROPOSERS.map((id) => {
      const p = model.proposer(id);
      return `<li class="paxos-node ${CLASS[id]}${p.up ? '' : ' is-down'}">
        <span class="paxos-name">${id} <span class="paxos-sub">wants ${esc(quoted(p.own))}</span></span>
        <span class="paxos-state">${upText(p.up)}</span>
        <span class="paxos-line">${esc(proposerLine(p))}</span>
        ${p.duelling ? '<span class="paxos-line"><span aria-hidden="true">⚔ </span>Duelling: retries at once after a refusal.</span>' : ''}
        <span class="paxos-line"><span class="paxos-key">Learned:</span> ${p.learned ? `${esc(quoted(p.learned))} is chosen` : p.up ? 'nothing yet' : 'forgotten in the crash'}</span>
        ${toggle(id, p.up)}
      </li>`;
    }).join('');

    const board = model.board;
    $('board').innerHTML = `<span class="paxos-name">L <span class="paxos-sub">the menu board</span></span>
      <span class="paxos-line"><span class="paxos-key">Learned:</span> ${
        board.learned ? `${esc(quoted(board.learned))}, from ${esc(list(board.by))} accepting ${esc(ballotText(board.ballot!))}` : 'nothing yet'
      }</span>
      <span class="paxos-line">It learns once a majority of acceptors tells it they accepted the same ballot.</span>`;

    $('acceptors-name').textContent =
      `Acceptors (a majority is ${model.majority} of ${model.acceptors.length}; promises kept ${model.persist ? 'on disk' : 'in memory only'})`;
    $('acceptors').innerHTML = model.acceptors
      .map((id) => {
        const a = model.acceptor(id);
        const where = a.up
          ? model.persist
            ? 'Kept on disk'
            : 'Kept in memory only'
          : model.persist
            ? 'On disk, for the restart'
            : '<span aria-hidden="true">✗ </span>Memory lost in the crash';
        const field = (label: string, value: string) =>
          `<span class="paxos-line"><span class="paxos-key">${label}</span> <span class="paxos-value">${esc(value)}</span></span>`;
        return `<li class="paxos-node${a.up ? '' : ' is-down'}">
          <span class="paxos-name">${id}</span>
          <span class="paxos-state">${upText(a.up)}</span>
          ${a.forgotten ? '' : field('Promised:', a.promised ? ballotText(a.promised) : 'nothing')}
          ${a.forgotten ? '' : field('Accepted:', acceptedText(a.accepted))}
          <span class="paxos-line paxos-where">${where}</span>
          ${toggle(id, a.up)}
        </li>`;
      })
      .join('');

    const v = verdict();
    const chosen = $('chosen');
    chosen.className = `diagram-result paxos-chosen ${v.cls}`.trim();
    chosen.innerHTML = v.html;

    const flight = model.inFlight;
    $('flight-name').textContent = `Messages in flight (${flight.length}), oldest first`;
    $('flight').innerHTML = flight.length
      ? flight
          .map((m) => {
            const isNew = model.isNew(m.id);
            const proposer = PROPOSERS.includes(m.body.ballot.node as ProposerId) ? CLASS[m.body.ballot.node as ProposerId] : '';
            return `<li class="paxos-msg ${proposer}${isNew ? ' is-new' : ''}">
              <span class="paxos-msg-text">${esc(m.from)} <span aria-hidden="true">→</span><span class="diagram-sr"> to</span> ${esc(m.to)}: <span class="paxos-value">${esc(messageText(m.body))}</span>${
                isNew ? ' <span class="paxos-new">new</span>' : ''
              }</span>
              <span class="paxos-msg-actions">
                <button type="button" data-msg="${m.id}" data-op="deliver">Deliver<span class="diagram-sr"> ${esc(spoken(m))}</span></button>
                <button type="button" data-msg="${m.id}" data-op="drop">Drop<span class="diagram-sr"> ${esc(spoken(m))}</span></button>
              </span>
            </li>`;
          })
          .join('')
      : '<li class="paxos-empty">Nothing in flight.</li>';

    $('log').innerHTML = log.length
      ? log.map((e) => `<li><strong>${esc(e.title)}</strong> ${esc(e.text)}</li>`).join('')
      : '<li>Nothing has happened yet.</li>';

    if (typeof focus === 'string') root.querySelector<HTMLElement>(focus)?.focus();
    else if (focus) {
      const same = [...root.querySelectorAll<HTMLElement>(`[data-op="${focus.op}"][data-msg]`)];
      (same[Math.min(focus.index, same.length - 1)] ?? root.querySelector<HTMLElement>('[data-action="next"]'))?.focus();
    }
  }

  // ---- Acting ---------------------------------------------------------------------------------

  const inFlightText = (): string => (model.inFlight.length ? `${plural(model.inFlight.length, 'message')} in flight.` : 'Nothing is in flight.');

  /** Logs an action with every sentence, renders, and says `said` (or every sentence). */
  function report(title: string, notes: Note[], said?: string[]): void {
    const all = notes.map(sentence);
    log.push({ title, text: all.join(' ') });
    if (log.length > LOG_MAX) log = log.slice(-LOG_MAX);
    render();
    announce([...(said ?? all), inFlightText()].join(' '));
  }

  /** The parts of a long run worth saying aloud: decisions, not every delivery. */
  const headline = (notes: Note[]): string[] =>
    notes.filter((n) => ['propose', 'phase2', 'gave-up', 'crash', 'restart', 'chosen', 'learn', 'quiet', 'duel', 'lost'].includes(n.t)).map(sentence);

  function startOver(why: string): void {
    model = new PaxosModel(settings);
    log = [];
    render();
    announce(
      `${why} Started over with ${model.acceptors.length} acceptors (a majority is ${model.majority}); acceptors keep their promises ${
        model.persist ? 'on disk, so a restart remembers them' : 'only in memory, so a crash and restart forgets them'
      }.`,
    );
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button)) return;
    const { action, op } = button.dataset;
    if (button.dataset.msg) {
      const id = Number(button.dataset.msg);
      const m = model.inFlight.find((x) => x.id === id);
      if (!m) return;
      if (op === 'drop') report('Drop, picked from the list.', model.drop(id));
      else report('Deliver, picked from the list.', model.deliver(id));
      return;
    }
    if (button.dataset.node) {
      const id = button.dataset.node;
      report(`${op === 'crash' ? 'Crash' : 'Restart'} ${id}.`, op === 'crash' ? model.crash(id) : model.restart(id));
      return;
    }
    switch (action) {
      case 'propose': {
        const id = button.dataset.id as ProposerId;
        report(`${id} proposes ${quoted(OWN_VALUE[id])}.`, model.propose(id));
        return;
      }
      case 'duel':
        return report('Duel.', model.duel());
      case 'next':
      case 'unlucky': {
        const notes = model.deliverNext(action === 'next' ? 'oldest' : 'accepts-last');
        return report(action === 'next' ? 'Deliver next message.' : 'Deliver next, accepts last.', notes);
      }
      case 'run': {
        const notes = model.runUntilQuiet();
        const said = headline(notes);
        if (notes.at(-1)?.t === 'quiet' && (notes.at(-1) as Extract<Note, { t: 'quiet' }>).limited) {
          said.push(`After ${RUN_LIMIT} deliveries the proposers were still duelling.`);
        }
        const v = verdict();
        return report('Run until quiet.', notes, notes.length === 1 ? [sentence(notes[0]!)] : [...said, v.text]);
      }
      case 'show': {
        model = new PaxosModel(settings);
        log = [];
        const notes = playRestartScenario(model);
        const how = model.persist ? 'with promises on disk' : 'with promises kept only in memory';
        return report(`Show me: an acceptor restarts mid-decision, ${how}.`, notes, [`Played from the start, ${how}.`, ...headline(notes), verdict().text]);
      }
      case 'reset':
        return startOver('Start over.');
    }
  });

  root.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    if (input === persistBox) {
      settings = { ...settings, persist: input.checked };
      startOver(input.checked ? 'Acceptors now keep promises on disk.' : 'Acceptors now keep promises only in memory.');
    } else if (input.type === 'radio') {
      settings = { ...settings, acceptors: Number(input.value) as AcceptorCount };
      startOver(`${input.value} acceptors.`);
    }
  });

  render();
}
