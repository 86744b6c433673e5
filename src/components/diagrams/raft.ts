/**
 * Raft among the five branch tills (S1–S5) that replicate the order log, in two parts.
 *
 * 1. A live cluster: run time forward, watch randomized timeouts elect a leader, crash and
 *    restart tills, make one time out, and have a customer's order written through the leader.
 *    Each till shows its role, term, vote and log (entries as term numbers, ✓ when it knows the
 *    entry is committed).
 * 2. Figure 8 of the Raft paper, step by step, with a toggle for the unsafe commit rule (count
 *    replicas of any term): with it, an entry marked committed in (c) is overwritten in (d).
 */
import {
  BRANCH,
  ELECTION_TIMEOUT_MAX_MS,
  ELECTION_TIMEOUT_MIN_MS,
  FIG8_ORDERS,
  FIG8_STEPS,
  Figure8,
  HEARTBEAT_MS,
  LEADER_WAIT_MS,
  MAJORITY,
  RaftModel,
  SERVERS,
  type Fig8Step,
  type RaftEvent,
  type Role,
  type ServerId,
  type ServerView,
  type VoteReason,
  type WriteReport,
} from './internal/raft-model.ts';
import { cap, esc, list, plural, stage } from './internal/ui.ts';
import css from './raft.css?inline';

const ROLE: Record<Role, { icon: string; word: string }> = {
  leader: { icon: '★', word: 'Leader' },
  candidate: { icon: '?', word: 'Candidate' },
  follower: { icon: '', word: 'Follower' },
};
const STEP_LABEL: Record<Fig8Step, string> = { start: 'Start', a: '(a)', b: '(b)', c: '(c)', d: '(d)', e: '(e)' };
const N = SERVERS.length;
/** How many recent events the live part lists. */
const EVENTS_SHOWN = 8;
const RUN_MS = 100;

/** The verdict is shown with an icon and a word as well as a colour, and spoken the same way. */
interface Verdict {
  cls: 'is-fresh' | 'is-stale' | 'is-refused' | '';
  icon: string;
  label: string;
  text: string;
}
const verdictHtml = (v: Verdict): string => `<strong>${v.icon ? `<span aria-hidden="true">${v.icon} </span>` : ''}${esc(v.label)}</strong> ${esc(v.text)}`;
const verdictWords = (v: Verdict): string => `${v.label} ${v.text}`;

const upToDate = (x: { lastTerm: number; lastIndex: number }): string =>
  x.lastIndex === 0 ? 'empty' : `last term ${x.lastTerm}, ${plural(x.lastIndex, 'entry', 'entries')}`;

const REFUSAL: Record<Exclude<VoteReason, 'granted'>, (e: Extract<RaftEvent, { type: 'vote' }>) => string> = {
  'stale-term': (e) => `term ${e.term} is older than its own`,
  'already-voted': (e) => `it had already voted for ${e.votedFor} in term ${e.term}`,
  log: (e) => `${e.candidate}'s log (${upToDate(e.theirs)}) is less up to date than its own (${upToDate(e.mine)})`,
};

/** One event in words, or undefined for the ones not worth a line (a follower learning the commit index). */
function eventText(e: RaftEvent): string | undefined {
  switch (e.type) {
    case 'timeout':
      return `${e.server} ${e.forced ? 'was made to time out' : 'timed out'} and asked for votes in term ${e.term}.`;
    case 'vote':
      return e.granted ? `${e.server} voted for ${e.candidate} in term ${e.term}.` : `${e.server} refused ${e.candidate} in term ${e.term}: ${REFUSAL[e.reason as Exclude<VoteReason, 'granted'>](e)}.`;
    case 'leader':
      return `${e.server} became leader of term ${e.term}, with votes from ${list(e.votes)}.`;
    case 'step-down':
      return `${e.server} stepped down (it was ${e.from}) on hearing of term ${e.term}.`;
    case 'append':
      return `${e.server} appended ${e.entry.cmd} at index ${e.index} (term ${e.entry.term}).`;
    case 'commit':
      if (!e.leader) return undefined;
      return e.entries.at(-1)?.term === e.term
        ? `${e.server} committed up to index ${e.to}: stored on a majority, from its own term ${e.term}.`
        : `${e.server} committed up to index ${e.to} by counting replicas of an entry from term ${e.entries.at(-1)?.term} (unsafe).`;
    case 'truncate':
      return `${e.server} deleted ${list(e.removed.map((x) => `${x.cmd} (term ${x.term})`))} from index ${e.index} on, to take the leader's ${e.replacement.cmd} (term ${e.replacement.term}).`;
    case 'crash':
      return `${e.server} crashed.`;
    case 'restart':
      return `${e.server} restarted.`;
  }
}

/** The few events of a run worth saying aloud: elections, leaders, refusals for stale logs, deletions, commits. */
function summary(events: RaftEvent[]): string {
  const notable = events.filter(
    (e) =>
      e.type === 'timeout' ||
      e.type === 'leader' ||
      (e.type === 'step-down' && e.from === 'leader') ||
      (e.type === 'vote' && e.reason === 'log') ||
      e.type === 'truncate' ||
      (e.type === 'commit' && e.leader),
  );
  const texts = notable.map(eventText).filter((t): t is string => !!t);
  if (texts.length <= 5) return texts.join(' ');
  return `${texts.slice(0, 4).join(' ')} And ${plural(texts.length - 4, 'more event')}: see the list.`;
}

function entriesHtml(view: ServerView, label: string): string {
  if (view.log.length === 0) return `<span class="raft-empty">empty</span>`;
  const items = view.log.map((e, i) => {
    const committed = i + 1 <= view.commitIndex;
    return `<li class="raft-entry c${e.term % 8}${committed ? ' is-committed' : ''}"><span aria-hidden="true">${e.term}${
      committed ? '<span class="raft-tick">✓</span>' : ''
    }</span><span class="diagram-sr">index ${i + 1}: term ${e.term}, ${esc(e.cmd)}, ${committed ? 'committed' : 'not committed'}</span></li>`;
  });
  return `<ol class="raft-log" aria-label="${esc(label)}">${items.join('')}</ol>`;
}

function roleHtml(view: ServerView): string {
  if (!view.up) return `<span class="raft-role is-crashed"><span aria-hidden="true">✗ </span>Crashed</span>`;
  const r = ROLE[view.role];
  return `<span class="raft-role is-${view.role}">${r.icon ? `<span aria-hidden="true">${r.icon} </span>` : ''}${r.word}</span>`;
}

const tillName = (id: ServerId): string => `<span class="raft-id">${id}</span> <span class="raft-branch">${BRANCH[id]}</span>`;

let instances = 0;

export function mount(root: HTMLElement): void {
  const uid = `raft-${++instances}`;
  const live = new RaftModel();
  let fig = new Figure8('start', false);
  const { $, announce } = stage(
    root,
    `<div class="raft-part" role="group" aria-labelledby="${uid}-live">
      <p class="raft-part-title" id="${uid}-live">1. Elections and replication</p>
      <div class="diagram-controls">
        <button type="button" data-action="run">Run ${RUN_MS} ms</button>
        <button type="button" data-action="elect">Run until a leader</button>
        <button type="button" data-action="write">Client writes an entry</button>
        <span class="diagram-clock" data-role="clock"></span>
      </div>
      <p class="raft-status" data-role="status"></p>
      <table class="raft-table">
        <caption class="diagram-sr">The five tills now: role, term, vote and log</caption>
        <thead><tr><th scope="col">Till</th><th scope="col">Role</th><th scope="col">Term</th><th scope="col">Voted for</th><th scope="col">Log (term of each entry)</th></tr></thead>
        <tbody data-role="rows"></tbody>
      </table>
      <div class="raft-till-controls">
        <div class="diagram-controls" role="group" aria-label="Crash or restart a till">${SERVERS.map((id) => `<button type="button" data-toggle="${id}">Crash ${id}</button>`).join('')}</div>
        <div class="diagram-controls" role="group" aria-label="Make a till time out now">${SERVERS.map((id) => `<button type="button" data-timeout="${id}">Time out ${id}</button>`).join('')}</div>
      </div>
      <p class="diagram-hint">✓ marks the entries a till knows are committed. A till forgets that when it crashes and learns it again from the leader. A new leader knows an old entry is committed only once an entry of its own term is.</p>
      <div class="diagram-result" data-role="result">Every till starts as a follower in term 0, each with its own random election timeout (${ELECTION_TIMEOUT_MIN_MS}–${ELECTION_TIMEOUT_MAX_MS} ms). Run time forward to see one time out first.</div>
      <div class="raft-events-box">
        <p class="raft-events-title" id="${uid}-events">Recent events</p>
        <ol class="raft-events" data-role="events" aria-labelledby="${uid}-events"></ol>
      </div>
      <p class="diagram-hint">To see the election restriction: crash a follower, write two entries, restart it, then make it time out. The others refuse it: their logs are more up to date.</p>
    </div>
    <div class="raft-part" role="group" aria-labelledby="${uid}-fig8">
      <p class="raft-part-title" id="${uid}-fig8">2. Figure 8: why a leader counts replicas only for entries of its own term</p>
      <div class="diagram-controls">
        <button type="button" data-fig8="next">Next step</button>
        <button type="button" data-fig8="reset">Start over</button>
        <label class="raft-toggle"><input type="checkbox" data-role="unsafe" /> Commit by counting replicas of any term (unsafe)</label>
        <span class="diagram-clock" data-role="fig8-clock"></span>
      </div>
      <ol class="raft-steps" data-role="steps" aria-label="Steps of Figure 8"></ol>
      <table class="raft-table raft-fig8">
        <caption class="diagram-sr" data-role="fig8-caption"></caption>
        <thead><tr><th scope="col">Till</th><th scope="col">State</th><th scope="col">Term</th><th scope="col">Log, indexes 1 to 3 (term of each entry)</th></tr></thead>
        <tbody data-role="fig8-rows"></tbody>
      </table>
      <div class="diagram-result" data-role="fig8-text"></div>
    </div>`,
    { id: 'diagram-raft-css', css },
  );
  const result = $('result');
  const fig8Text = $('fig8-text');
  const unsafeBox = $<HTMLInputElement>('unsafe');
  const nextButton = root.querySelector<HTMLButtonElement>('[data-fig8="next"]')!;
  const resetButton = root.querySelector<HTMLButtonElement>('[data-fig8="reset"]')!;
  const toggles = Object.fromEntries(SERVERS.map((id) => [id, root.querySelector<HTMLButtonElement>(`[data-toggle="${id}"]`)!])) as Record<ServerId, HTMLButtonElement>;
  const timeouts = Object.fromEntries(SERVERS.map((id) => [id, root.querySelector<HTMLButtonElement>(`[data-timeout="${id}"]`)!])) as Record<ServerId, HTMLButtonElement>;

  // ---- Part 1: the live cluster ----------------------------------------------------------

  function status(): string {
    const leader = live.leader();
    if (leader) return `${leader.id} (${BRANCH[leader.id]}) leads term ${leader.term} and sends heartbeats every ${HEARTBEAT_MS} ms.`;
    const up = live.upCount();
    const candidates = live.views().filter((v) => v.up && v.role === 'candidate').map((v) => v.id);
    if (up < MAJORITY) return `No leader, and none possible: only ${up} of ${N} tills are up, and a candidate needs ${MAJORITY} votes.`;
    return candidates.length ? `No leader: ${list(candidates)} ${candidates.length === 1 ? 'is a candidate' : 'are candidates'}.` : 'No leader yet.';
  }

  function renderLive(): void {
    $('rows').innerHTML = live
      .views()
      .map(
        (v) => `<tr class="${v.up ? '' : 'is-crashed'}${v.up && v.role === 'leader' ? ' is-leader' : ''}">
          <th scope="row">${tillName(v.id)}</th>
          <td>${roleHtml(v)}</td>
          <td class="raft-num">${v.term}</td>
          <td>${v.votedFor ?? '<span class="raft-none">nobody</span>'}</td>
          <td>${entriesHtml(v, `${v.id}'s log`)}</td>
        </tr>`,
      )
      .join('');
    $('clock').textContent = `Virtual time: ${live.nowMs} ms`;
    $('status').textContent = status();
    const lines = live.events.map((e) => [e, eventText(e)] as const).filter((x): x is readonly [RaftEvent, string] => !!x[1]);
    $('events').innerHTML = lines.length
      ? lines
          .slice(-EVENTS_SHOWN)
          .map(([e, t]) => `<li><span class="raft-at">${e.atMs} ms</span> ${esc(t)}</li>`)
          .join('')
      : '<li>Nothing yet.</li>';
    for (const id of SERVERS) {
      const up = live.isUp(id);
      toggles[id].textContent = `${up ? 'Crash' : 'Restart'} ${id}`;
      // A crashed till runs no timers. (Only Crash/Restart changes this, so focus is never on it.)
      timeouts[id].disabled = !up;
    }
  }

  function show(v: Verdict): string {
    result.className = `diagram-result ${v.cls}`.trim();
    result.innerHTML = verdictHtml(v);
    return verdictWords(v);
  }

  function describeWrite(w: WriteReport): Verdict {
    if (!w.ok) {
      const why = live.upCount() < MAJORITY ? `only ${live.upCount()} of ${N} tills are up, so none can win an election.` : 'run until a leader first.';
      return { cls: 'is-refused', icon: '✗', label: 'No leader.', text: `There is no leader to take the order: ${why}` };
    }
    const where = `${cap(w.entry.cmd)} reached ${w.leader}, the leader of term ${w.term}, which appended it at index ${w.index} and sent it to the others.`;
    if (w.committedAtMs !== undefined) {
      const others = w.holders.filter((id) => id !== w.leader);
      return {
        cls: 'is-fresh',
        icon: '✓',
        label: 'Committed.',
        text: `${where} ${list(others)} stored it, and at ${w.committedAtMs} ms, once ${MAJORITY} of ${N} tills had it, ${w.leader} committed it and told the customer. The followers mark it committed when the leader's next heartbeat tells them.`,
      };
    }
    const held = `Only ${list(w.holders)} ${w.holders.length === 1 ? 'stores' : 'store'} it, and a majority is ${MAJORITY} of ${N}`;
    return {
      cls: 'is-stale',
      icon: '⏳',
      label: 'Not committed.',
      text: w.deposed
        ? `${where} ${w.leader} lost its leadership before the entry was committed, so the customer was not told it is saved. ${held}.`
        : `${where} ${held}: the customer is still waiting. It is committed if the leader reaches a majority in time.`,
    };
  }

  function liveAction(button: HTMLButtonElement): string | undefined {
    const { action, toggle, timeout } = button.dataset;
    if (toggle) {
      const id = toggle as ServerId;
      const before = live.view(id);
      if (before.up) {
        live.crash(id);
        return show({
          cls: '',
          icon: '✗',
          label: `${id} crashed.`,
          text: `It keeps its term (${before.term}), its vote and its log on disk, and forgets its role and what it knew was committed.${
            before.role === 'leader' ? ' It was the leader: the others will time out and elect a new one. Run time forward.' : ''
          }`,
        });
      }
      live.restart(id);
      const v = live.view(id);
      return show({
        cls: '',
        icon: '↻',
        label: `${id} restarted`,
        text: `as a follower in term ${v.term}, with its log (${plural(v.log.length, 'entry', 'entries')}) and its vote from disk. It learns what is committed from the leader's next message.`,
      });
    }
    if (timeout) {
      const id = timeout as ServerId;
      const { term, events } = live.timeOut(id);
      const votes = events.filter((e): e is Extract<RaftEvent, { type: 'vote' }> => e.type === 'vote' && e.candidate === id && e.term === term);
      const granted = votes.filter((e) => e.granted).map((e) => e.server);
      const refused = votes.filter((e) => !e.granted).map((e) => `${e.server}, because ${REFUSAL[e.reason as Exclude<VoteReason, 'granted'>](e)}`);
      const won = events.some((e) => e.type === 'leader' && e.server === id && e.term === term);
      const deposed = events.filter((e) => e.type === 'step-down' && e.from === 'leader' && e.server !== id).map((e) => e.server);
      const text = `${id} started an election for term ${term} and voted for itself. ${granted.length ? `${list(granted)} voted for it. ` : ''}${
        refused.length ? `Refused by ${list(refused)}. ` : ''
      }${won ? `With ${granted.length + 1} of ${N} votes it is the leader of term ${term}.` : `With ${granted.length + 1} of ${N} votes it is not leader; a majority is ${MAJORITY}.`}${
        deposed.length ? ` ${list(deposed)} stepped down on hearing of term ${term}; the next election goes to a till whose log is up to date.` : ''
      }`;
      return show({ cls: won ? 'is-fresh' : 'is-stale', icon: won ? '★' : '✗', label: won ? `${id} won.` : `${id} lost.`, text });
    }
    if (action === 'run') {
      const events = live.run(RUN_MS);
      const said = summary(events);
      return show({ cls: '', icon: '', label: `Ran ${RUN_MS} ms, to ${live.nowMs} ms.`, text: said || `Nothing changed. ${status()}` });
    }
    if (action === 'elect') {
      const before = live.leader();
      if (before) return show({ cls: 'is-fresh', icon: '★', label: 'Already a leader.', text: `${before.id} leads term ${before.term}.` });
      const { leader, ranMs, events } = live.runUntilLeader();
      if (!leader) {
        const text =
          live.upCount() < MAJORITY
            ? `Only ${live.upCount()} of ${N} tills are up, and a candidate needs ${MAJORITY} votes: no election can succeed. Restart a till.`
            : `No leader after ${ranMs} ms (the limit is ${LEADER_WAIT_MS} ms).`;
        return show({ cls: 'is-refused', icon: '✗', label: 'No leader.', text });
      }
      const elections = events.filter((e) => e.type === 'timeout').length;
      const won = events.findLast((e) => e.type === 'leader' && e.server === leader.id);
      const votes = won && won.type === 'leader' ? ` with votes from ${list(won.votes)}` : '';
      return show({
        cls: 'is-fresh',
        icon: '★',
        label: `${leader.id} leads term ${leader.term}.`,
        text: `Ran ${ranMs} ms, to ${live.nowMs} ms. ${
          elections > 1 ? `It took ${elections} elections: more than one till timed out at about the same time and split the votes. ` : ''
        }${leader.id} timed out first and won${votes}.`,
      });
    }
    if (action === 'write') return show(describeWrite(live.write()));
    return undefined;
  }

  // ---- Part 2: Figure 8 ------------------------------------------------------------------

  const drink = (term: number): string => `the ${FIG8_ORDERS[term]}`;

  function fig8Story(f: Figure8): { title: string; body: string; verdict?: Verdict } {
    const c = f.cluster;
    const v = (id: ServerId) => c.view(id);
    switch (f.step) {
      case 'start':
        return {
          title: 'Start: term 1.',
          body: `S5 led term 1 and copied ${drink(1)} to every till; every till knows it is committed (✓). From here on no till times out by itself: each step forces the timeouts, crashes and broken links that the paper's figure assumes, then lets the tills run. Press Next step.`,
        };
      case 'a': {
        const votes = f.votes('S1', 2);
        return {
          title: '(a) S1 leads term 2.',
          body: `S1 timed out and won term 2 with votes from ${list(votes.granted)}: every log ended with the same term-1 entry, so S1's was as up to date as theirs. Then S1 and S2 lost their links to S3, S4 and S5, and a customer's ${FIG8_ORDERS[2]} reached S1, which appended it at index 2 in term 2 and could copy it only to S2. On ${
            SERVERS.filter((id) => v(id).log[1]?.term === 2).length
          } of ${N} tills, it is not committed.`,
        };
      }
      case 'b': {
        const votes = f.votes('S5', 3);
        const refusedForLog = votes.refused.filter((r) => r.reason === 'log').map((r) => r.server);
        return {
          title: '(b) S1 crashes; S5 leads term 3.',
          body: `S1 crashed and the links came back. S5 timed out and asked for votes in term 3: ${list(votes.granted)} voted for it. ${list(refusedForLog)} refused: its last entry is from term 2, later than S5's from term 1, so S5's log is less up to date (the election restriction). With its own vote S5 had ${
            votes.granted.length + 1
          } of ${N} and led term 3. Then S5 lost its links, and a ${FIG8_ORDERS[3]} reached it: S5 appended it at index 2 in term 3, a different entry at the same index as S1's ${FIG8_ORDERS[2]}, and could copy it nowhere.`,
        };
      }
      case 'c': {
        const first = f.votes('S1', 3);
        const second = f.votes('S1', 4);
        const holders = SERVERS.filter((id) => v(id).log[1]?.term === 2);
        const counted = v('S1').commitIndex >= 2;
        const body = `S5 crashed, S1 restarted, and S4's link failed. S1 timed out and asked for votes in term 3, but ${list(
          first.refused.map((r) => r.server),
        )} had already voted for S5 in term 3, so S1 had only ${list(first.granted)} and itself. It timed out again and won term 4 with votes from ${list(
          second.granted,
        )}. As leader it copied ${drink(2)} (index 2, term 2) to S3: it is now on ${list(holders)}, a majority. Then S1 lost its links, and a ${FIG8_ORDERS[4]} reached it: S1 appended it at index 3 in term 4 and could not copy it yet.`;
        const verdict: Verdict = counted
          ? {
              cls: 'is-stale',
              icon: '⚠',
              label: `${cap(drink(2))} marked committed.`,
              text: `With the unsafe rule S1 counts replicas of any term: ${drink(2)} is on ${holders.length} of ${N} tills, so S1 marked it committed (✓), and ${list(
                SERVERS.filter((id) => id !== 'S1' && v(id).commitIndex >= 2),
              )} learned so from its next heartbeat. S1 now treats the ${FIG8_ORDERS[2]} as saved for good: it would apply it and confirm it to the customer. Press Next step to see what happens to it.`,
            }
          : {
              cls: '',
              icon: '⏳',
              label: 'Not committed.',
              text: `S1 does not count the replicas of ${drink(2)}: it is from term 2, and S1 leads term 4. A leader counts replicas only for entries of its own term. S1 restarted, so it does not yet know that even ${drink(1)} is committed; it learns both once an entry of term 4 is on a majority (see (e)).`,
            };
        return { title: '(c) S5 crashes; S1 restarts and leads term 4.', body, verdict };
      }
      case 'd': {
        const first = f.votes('S5', 4);
        const second = f.votes('S5', 5);
        const replaced = f.stepEvents.filter((e) => e.type === 'truncate').map((e) => e.server);
        const body = `S1 crashed and the links came back. S5 restarted and timed out: in term 4, ${list(
          first.refused.map((r) => r.server),
        )} refused it (they had voted for S1), and only ${list(first.granted)} voted for it. It timed out again and won term 5 with votes from ${list(
          second.granted,
        )}: its last entry, from term 3, is later than theirs (term 2 on S2 and S3, term 1 on S4). As leader it copied its log: ${list(
          replaced,
        )} found that their entry at index 2 (${drink(2)}, term 2) conflicts with S5's (${drink(3)}, term 3), deleted it and took S5's; S4 took it too.`;
        const lost = c.lost.filter((l) => l.index === 2);
        const verdict: Verdict = lost.length
          ? {
              cls: 'is-refused',
              icon: '✗',
              label: 'A committed entry was lost.',
              text: `${cap(drink(2))}, which S1 marked committed in (c), has been deleted from ${list([
                ...new Set(lost.map((l) => l.server)),
              ])} and replaced by ${drink(3)}. It is left only on S1, which is crashed, and S5 will overwrite it there too when S1 restarts. ${
                v('S5').commitIndex >= 2 ? `S5, counting replicas of any term, has marked ${drink(3)} committed at the same index: two different orders committed at index 2. ` : ''
              }Counting replicas of an entry from an earlier term is unsafe.`,
            }
          : {
              cls: 'is-fresh',
              icon: '✓',
              label: 'No committed entry was lost.',
              text: `${cap(drink(2))} was never committed: S1 did not count its replicas in (c), and no till treated it as saved, so replacing it breaks no promise. S5 does not count the replicas of ${drink(3)} either: it is from term 3, and S5 leads term 5.`,
            };
        return { title: '(d) S1 crashes; S5 leads term 5.', body, verdict };
      }
      case 'e': {
        const committed = v('S1').commitIndex;
        const body = `Back to (c), with the other ending. S1 stays up, its links to S2 and S3 come back, and it copies ${drink(4)} (index 3, term 4) to them. ${cap(drink(4))} is on a majority and from S1's own term, so S1 commits it, and with it every entry before it: ${drink(2)} at index 2 is now committed too (✓ up to index ${committed}).`;
        return {
          title: '(e) Instead of (d): S1 commits an entry of its own term.',
          body,
          verdict: {
            cls: 'is-fresh',
            icon: '✓',
            label: 'Committed, and safe.',
            text: `S5 can no longer win an election: S1, S2 and S3 all end with an entry of term 4, later than S5's last entry of term 3, so none of them would vote for it, and S4 and S5 make only 2 of ${N}. Every future leader has ${drink(2)} and ${drink(4)}.${
              f.unsafe ? ` (With the unsafe rule S1 had already marked ${drink(2)} committed in (c); it survives here only because S1 stayed up long enough to get an entry of term 4 onto a majority.)` : ''
            }`,
          },
        };
      }
    }
  }

  function renderFig8(): void {
    const c = fig.cluster;
    $('steps').innerHTML = FIG8_STEPS.map((s) => {
      const current = s === fig.step;
      return `<li${current ? ' aria-current="step" class="is-current"' : ''}>${current ? '<span aria-hidden="true">▶ </span>' : ''}${STEP_LABEL[s]}${
        s === 'e' ? ' <span class="raft-step-note">other ending</span>' : ''
      }</li>`;
    }).join('');
    $('fig8-rows').innerHTML = c
      .views()
      .map(
        (v) => `<tr class="${v.up ? '' : 'is-crashed'}${v.up && v.role === 'leader' ? ' is-leader' : ''}">
          <th scope="row">${tillName(v.id)}</th>
          <td>${roleHtml(v)}</td>
          <td class="raft-num">${v.term}</td>
          <td>${entriesHtml(v, `${v.id}'s log`)}</td>
        </tr>`,
      )
      .join('');
    $('fig8-caption').textContent = `Figure 8, step ${STEP_LABEL[fig.step]}: each till's state, term and log`;
    $('fig8-clock').textContent = `Virtual time: ${c.nowMs} ms`;
    const story = fig8Story(fig);
    fig8Text.className = `diagram-result ${story.verdict?.cls ?? ''}`.trim();
    fig8Text.innerHTML = `<p><strong>${esc(story.title)}</strong> ${esc(story.body)}</p>${story.verdict ? `<p class="raft-verdict">${verdictHtml(story.verdict)}</p>` : ''}`;
    const last = fig.step === 'e';
    nextButton.disabled = last;
    nextButton.textContent = fig.step === 'c' ? 'Next step: (d)' : fig.step === 'd' ? 'Next step: (e), the other ending' : 'Next step';
  }

  function fig8Words(): string {
    const story = fig8Story(fig);
    return `${story.title} ${story.body}${story.verdict ? ` ${verdictWords(story.verdict)}` : ''}`;
  }

  function goTo(step: Fig8Step, unsafe = fig.unsafe): void {
    fig = new Figure8(step, unsafe);
    renderFig8();
  }

  root.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (!button || !root.contains(button) || button.disabled) return;
    if (button.dataset.fig8) {
      if (button.dataset.fig8 === 'reset') goTo('start');
      else {
        const at = FIG8_STEPS.indexOf(fig.step);
        goTo(FIG8_STEPS[Math.min(at + 1, FIG8_STEPS.length - 1)]!);
        // At the last step Next is disabled: keep the keyboard on the figure's controls.
        if (fig.step === 'e' && document.activeElement === button) resetButton.focus();
      }
      announce(fig8Words());
      return;
    }
    const said = liveAction(button);
    if (said === undefined) return;
    renderLive();
    announce(said);
  });

  unsafeBox.addEventListener('change', () => {
    goTo(fig.step, unsafeBox.checked);
    const rule = unsafeBox.checked
      ? 'Unsafe rule on: a leader commits an entry of any term once a majority stores it.'
      : "The paper's rule again: a leader counts replicas only for entries of its own term, and earlier entries are committed along with them.";
    announce(`${rule} Replayed to step ${STEP_LABEL[fig.step]}. ${fig8Words()}`);
  });

  renderLive();
  renderFig8();
}
