/**
 * Turns a simulation trace into what the space-time diagram draws: lanes, message arrows,
 * shaded spans, operation bars and point marks, each tied back to the event index it came
 * from. Pure data (no DOM), so it is tested in Node and the viewer only has to paint it.
 */
import type { Trace, TraceEvent } from '@baristas/sim/host';

export type LaneKind = 'client' | 'node';

export interface Lane {
  id: string;
  kind: LaneKind;
  /** Row, from the top: clients first (in order of first operation), then nodes. */
  row: number;
}

export interface Arrow {
  msg: number;
  from: string;
  to: string;
  tSend: number;
  /** When it arrived or was lost. */
  tEnd: number;
  /** `drop`: lost (see `reason`); `copy`: the second delivery of a duplicated message. */
  kind: 'deliver' | 'drop' | 'copy';
  reason?: string;
  /** Index of the send event. */
  send: number;
  /** Index of the event that ended the arrow (deliver or drop). */
  end: number;
  /** True when the network decided to deliver this message twice. */
  duplicated: boolean;
  /** For the coordination service's messages: which kind, and the message in words. */
  service?: ServiceMessageKind;
  label?: string;
}

export interface Span {
  lane: string;
  t0: number;
  /** `Infinity` when the span lasted to the end of the run. */
  t1: number;
  kind: 'down' | 'partitioned' | 'cut' | 'slow' | 'paused';
  /** Shown on the span, e.g. "side 2 of 2" or "cut → n3". */
  label: string;
  /** For partitions: which side (0-based) the lane was on, to tint each side differently. */
  side?: number;
  /** Index of the event that began it. */
  start: number;
}

export interface OperationBar {
  op: number;
  client: string;
  node: string;
  t0: number;
  /** `Infinity` when it never completed (pending at the end of the run). */
  t1: number;
  input: unknown;
  output?: unknown;
  status: 'ok' | 'timeout' | 'refused' | 'pending';
  invoke: number;
  complete?: number;
  /** Named by the trace's violation. */
  violated: boolean;
}

export interface Mark {
  index: number;
  lane: string;
  t: number;
  kind: 'start' | 'timer' | 'log' | 'crash' | 'restart' | 'clock' | 'session';
  /** Words drawn next to the mark (session events). */
  label?: string;
}

export interface TraceLayout {
  lanes: Lane[];
  arrows: Arrow[];
  spans: Span[];
  operations: OperationBar[];
  marks: Mark[];
  /** Whole-run faults with no lane (partition, heal, network changes), for the time axis. */
  faults: { index: number; t: number; label: string }[];
  /** The last event's virtual time. */
  endMs: number;
  /** For each event index: the lane it belongs to (undefined for whole-run events). */
  laneOf: (string | undefined)[];
  /** Event indices the violation names, its operations' invoke/complete included. */
  violationEvents: Set<number>;
}

/** Refuses what this viewer cannot draw, with a sentence a learner can act on. */
export function validateTrace(value: unknown): Trace {
  const t = value as Partial<Trace> | null;
  if (!t || typeof t !== 'object') throw new Error('This is not a trace: expected a JSON object.');
  if (t.version !== 2) {
    throw new Error(`This trace has format version ${JSON.stringify(t.version)}; this viewer reads version 2. Replay the run again with this site.`);
  }
  if (!Array.isArray(t.nodes) || !Array.isArray(t.events)) throw new Error('This trace has no "nodes" or "events" list.');
  return t as Trace;
}

export function layoutTrace(trace: Trace): TraceLayout {
  const events = trace.events;
  const violatedOps = new Set(trace.violation?.operations ?? []);
  const violationEvents = new Set(trace.violation?.events ?? []);
  const clients: string[] = [];
  const laneOf: (string | undefined)[] = new Array(events.length);
  const arrows: Arrow[] = [];
  const spans: Span[] = [];
  const operations: OperationBar[] = [];
  const marks: Mark[] = [];
  const faults: TraceLayout['faults'] = [];
  const sends = new Map<number, { e: Extract<TraceEvent, { type: 'send' }>; index: number; duplicated: boolean; deliveries: number }>();
  const openOps = new Map<number, OperationBar>();
  const down = new Map<string, Span>();
  let partitionSpans: Span[] = [];
  let cutSpans: Span[] = [];
  const slowSpans = new Map<string, Span>();
  const pausedSpans = new Map<string, Span>();
  const endMs = events.length > 0 ? events[events.length - 1]!.t : 0;

  const closeAll = (list: Span[], t: number) => {
    for (const s of list) s.t1 = t;
  };

  events.forEach((e, index) => {
    switch (e.type) {
      case 'send':
        laneOf[index] = e.from;
        sends.set(e.msg, { e, index, duplicated: false, deliveries: 0 });
        break;
      case 'duplicate': {
        laneOf[index] = e.from;
        const s = sends.get(e.msg);
        if (s) s.duplicated = true;
        break;
      }
      case 'deliver':
      case 'drop': {
        laneOf[index] = e.type === 'deliver' ? e.to : e.from;
        const s = sends.get(e.msg);
        // The send fell before the trace's kept window: nothing to draw an arrow from.
        if (!s) break;
        s.deliveries++;
        const service = serviceMessage(s.e.body);
        arrows.push({
          ...(service ? { service: service.kind, label: service.text } : {}),
          msg: e.msg,
          from: e.from,
          to: e.to,
          tSend: s.e.t,
          tEnd: e.t,
          kind: e.type === 'drop' ? 'drop' : e.copy === 2 ? 'copy' : 'deliver',
          ...(e.type === 'drop' ? { reason: e.reason } : {}),
          send: s.index,
          end: index,
          duplicated: s.duplicated,
        });
        break;
      }
      case 'start':
      case 'timer':
      case 'log':
      case 'clock':
        laneOf[index] = e.node;
        marks.push({ index, lane: e.node, t: e.t, kind: e.type });
        break;
      case 'crash': {
        laneOf[index] = e.node;
        // A crash ends a pause: the node restarts fresh.
        const paused = pausedSpans.get(e.node);
        if (paused) paused.t1 = e.t;
        pausedSpans.delete(e.node);
        marks.push({ index, lane: e.node, t: e.t, kind: 'crash' });
        const span: Span = { lane: e.node, t0: e.t, t1: Infinity, kind: 'down', label: 'crashed', start: index };
        down.set(e.node, span);
        spans.push(span);
        break;
      }
      case 'pause': {
        laneOf[index] = e.node;
        const span: Span = { lane: e.node, t0: e.t, t1: Infinity, kind: 'paused', label: 'paused: runs nothing', start: index };
        pausedSpans.set(e.node, span);
        spans.push(span);
        break;
      }
      case 'resume': {
        laneOf[index] = e.node;
        const span = pausedSpans.get(e.node);
        if (span) span.t1 = e.t;
        pausedSpans.delete(e.node);
        break;
      }
      case 'session': {
        // On the client's lane: the session is the client's, though the service ended it.
        const lane = trace.nodes.includes(e.client) ? e.client : e.node;
        laneOf[index] = lane;
        marks.push({ index, lane, t: e.t, kind: 'session', label: `session ${e.session} ${e.state}` });
        break;
      }
      case 'restart': {
        laneOf[index] = e.node;
        marks.push({ index, lane: e.node, t: e.t, kind: 'restart' });
        const span = down.get(e.node);
        if (span) span.t1 = e.t;
        down.delete(e.node);
        break;
      }
      case 'partition': {
        closeAll(partitionSpans, e.t);
        const grouped = new Set(e.groups.flat());
        const rest = trace.nodes.filter((n) => !grouped.has(n));
        const groups = rest.length > 0 ? [...e.groups, rest] : e.groups;
        partitionSpans = groups.flatMap((group, side) =>
          group.map((node) => ({ lane: node, t0: e.t, t1: Infinity, kind: 'partitioned' as const, label: `side ${side + 1} of ${groups.length}`, side, start: index })),
        );
        spans.push(...partitionSpans);
        faults.push({ index, t: e.t, label: `partition ${groups.map((g) => `{${g.join(', ')}}`).join(' | ')}` });
        break;
      }
      case 'cut': {
        laneOf[index] = e.from;
        const span: Span = { lane: e.from, t0: e.t, t1: Infinity, kind: 'cut', label: `cut → ${e.to}`, start: index };
        cutSpans.push(span);
        spans.push(span);
        break;
      }
      case 'heal':
        closeAll(partitionSpans, e.t);
        closeAll(cutSpans, e.t);
        partitionSpans = [];
        cutSpans = [];
        faults.push({ index, t: e.t, label: 'heal' });
        break;
      case 'slow': {
        laneOf[index] = e.node;
        const open = slowSpans.get(e.node);
        if (open) open.t1 = e.t;
        slowSpans.delete(e.node);
        if (e.factor !== 1) {
          const span: Span = { lane: e.node, t0: e.t, t1: Infinity, kind: 'slow', label: `${e.factor}× slower`, start: index };
          slowSpans.set(e.node, span);
          spans.push(span);
        }
        break;
      }
      case 'network':
        faults.push({ index, t: e.t, label: `network: drop ${e.dropProbability}, duplicate ${e.duplicateProbability}` });
        break;
      case 'invoke': {
        laneOf[index] = e.client;
        if (!clients.includes(e.client)) clients.push(e.client);
        const bar: OperationBar = {
          op: e.op,
          client: e.client,
          node: e.node,
          t0: e.t,
          t1: Infinity,
          input: e.input,
          status: 'pending',
          invoke: index,
          violated: violatedOps.has(e.op),
        };
        openOps.set(e.op, bar);
        operations.push(bar);
        if (bar.violated) violationEvents.add(index);
        break;
      }
      case 'complete': {
        laneOf[index] = e.client;
        if (!clients.includes(e.client)) clients.push(e.client);
        const bar = openOps.get(e.op);
        if (!bar) break;
        openOps.delete(e.op);
        bar.t1 = e.t;
        bar.status = e.status;
        bar.complete = index;
        if (e.output !== undefined) bar.output = e.output;
        if (bar.violated) violationEvents.add(index);
        break;
      }
      case 'truncated':
        faults.push({ index, t: e.t, label: `${e.dropped} events left out` });
        break;
    }
  });

  const lanes: Lane[] = [
    ...clients.map((id, row) => ({ id, kind: 'client' as const, row })),
    ...trace.nodes.map((id, i) => ({ id, kind: 'node' as const, row: clients.length + i })),
  ];
  return { lanes, arrows, spans, operations, marks, faults, endMs, laneOf, violationEvents };
}

/**
 * Maps virtual time to x so that bursts stay readable and long quiet stretches do not waste
 * the screen: each gap between consecutive event times gets width proportional to its length,
 * clamped to [`gapPxMin`, `gapPxMax`].
 */
export function timeScale(times: readonly number[], options: { pxPerMs: number; gapPxMin: number; gapPxMax: number; originPx: number }): {
  x: (t: number) => number;
  widthPx: number;
} {
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  const xs: number[] = [];
  let x = options.originPx;
  distinct.forEach((t, i) => {
    if (i > 0) x += Math.min(options.gapPxMax, Math.max(options.gapPxMin, (t - distinct[i - 1]!) * options.pxPerMs));
    xs.push(x);
  });
  const widthPx = x + options.originPx;
  const xOf = (t: number): number => {
    if (distinct.length === 0) return options.originPx;
    if (t === Infinity || t > distinct[distinct.length - 1]!) return widthPx - options.originPx / 2;
    // Binary search: times between two event times (none are drawn today) interpolate.
    let lo = 0;
    let hi = distinct.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (distinct[lo] === t || lo === 0) return xs[lo]!;
    const t0 = distinct[lo - 1]!;
    return xs[lo - 1]! + ((t - t0) / (distinct[lo]! - t0)) * (xs[lo]! - xs[lo - 1]!);
  };
  return { x: xOf, widthPx };
}

/** Short JSON for labels: long values cut with an ellipsis. */
export function brief(value: unknown, charsMax = 40): string {
  let s: string;
  try {
    s = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return clip(s, charsMax);
}

/** `text` cut to `charsMax` characters with an ellipsis. */
export function clip(text: string, charsMax: number): string {
  return text.length > charsMax ? `${text.slice(0, charsMax - 1)}…` : text;
}

const DROP_REASON: Record<string, string> = {
  network: 'lost by the network',
  partition: 'a partition separated the two ends',
  crashed: 'the receiver had crashed',
  'no-such-node': 'there is no such node',
};

/** One event as a sentence: the text alternative to the diagram, and the details panel. */
export function describeEvent(e: TraceEvent): string {
  const at = `${e.t} ms`;
  switch (e.type) {
    case 'start':
      return `${at}: ${e.node} started`;
    case 'send': {
      const service = serviceMessage(e.body);
      return `${at}: ${e.from} sent message #${e.msg} to ${e.to}: ${service ? service.text : brief(e.body, 120)}`;
    }
    case 'deliver':
      return `${at}: message #${e.msg} from ${e.from} delivered to ${e.to}${e.copy === 2 ? ' (second copy: the network duplicated it)' : ''}`;
    case 'drop':
      return `${at}: message #${e.msg} from ${e.from} to ${e.to} dropped: ${DROP_REASON[e.reason] ?? e.reason}`;
    case 'duplicate':
      return `${at}: the network will deliver message #${e.msg} from ${e.from} to ${e.to} twice`;
    case 'timer':
      return `${at}: timer ${e.timer} fired on ${e.node}`;
    case 'log':
      return `${at}: ${e.node} logged: ${e.text}`;
    case 'crash':
      return `${at}: ${e.node} crashed (its memory is gone; its storage survives)`;
    case 'restart':
      return `${at}: ${e.node} restarted`;
    case 'pause':
      return `${at}: ${e.node} paused (it keeps its memory but runs nothing until it resumes)`;
    case 'resume':
      return `${at}: ${e.node} resumed; what came due while it was paused runs now`;
    case 'session':
      return `${at}: ${e.node} ${e.state === 'opened' ? 'opened' : e.state === 'expired' ? 'expired' : 'closed'} session ${e.session} of ${e.client}${
        e.ephemerals && e.ephemerals.length > 0 ? `, deleting its ephemeral znodes ${e.ephemerals.join(', ')}` : ''
      }`;
    case 'partition':
      return `${at}: network partitioned into ${e.groups.map((g) => `{${g.join(', ')}}`).join(' | ')} (nodes in no group form one more side)`;
    case 'cut':
      return `${at}: messages from ${e.from} to ${e.to} are now lost`;
    case 'heal':
      return `${at}: every partition and cut healed`;
    case 'slow':
      return e.factor === 1 ? `${at}: ${e.node} back to normal speed` : `${at}: ${e.node} now ${e.factor}× slower`;
    case 'clock':
      return `${at}: ${e.node}'s clock set to offset ${e.offsetMs} ms, drift ${e.drift}`;
    case 'network':
      return `${at}: network now drops ${e.dropProbability} and duplicates ${e.duplicateProbability} of messages`;
    case 'invoke':
      return `${at}: ${e.client} called ${e.node} with ${brief(e.input, 120)} (operation ${e.op})`;
    case 'complete':
      return `${at}: operation ${e.op} of ${e.client} ended ${e.status}${e.output !== undefined ? ` with ${brief(e.output, 120)}` : ''}`;
    case 'truncated':
      return `${at}: ${e.dropped} events left out here to keep the trace small`;
  }
}

export type ServiceMessageKind = 'connect' | 'request' | 'reply' | 'watch' | 'session';

/**
 * A coordination-service message in words (`create /lock/n- ephemeral-sequential`, `→ NONODE`,
 * `watch: NodeDeleted /lock/n-0000000003`), or undefined for any other message.
 */
export function serviceMessage(body: unknown): { kind: ServiceMessageKind; text: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const m = body as Record<string, unknown>;
  const tag = m.zk;
  if (typeof tag !== 'string') return undefined;
  const session = `session ${String(m.session)}`;
  switch (tag) {
    case 'connect':
      return { kind: 'connect', text: m.session === 0 ? `connect: open a session (connection ${String(m.conn)})` : `connect: resume ${session} (connection ${String(m.conn)})` };
    case 'connected':
      return { kind: 'session', text: `connected: ${session}, timeout ${String(m.timeoutMs)} ms` };
    case 'expired':
      return { kind: 'session', text: `${session} has expired` };
    case 'request': {
      const r = (m.request ?? {}) as Record<string, unknown>;
      const op = String(r.op);
      const path = typeof r.path === 'string' ? ` ${r.path}` : '';
      const extra =
        op === 'create'
          ? ` ${String(r.mode)}${r.data ? ` ${brief(r.data, 24)}` : ''}`
          : op === 'setData'
            ? ` ${brief(r.data, 24)} if version ${String(r.version)}`
            : op === 'delete'
              ? ` if version ${String(r.version)}`
              : r.watch
                ? ' + watch'
                : '';
      return { kind: 'request', text: `#${String(m.xid)} ${op}${path}${extra}` };
    }
    case 'reply': {
      if (typeof m.error === 'string') return { kind: 'reply', text: `#${String(m.xid)} → ${m.error}` };
      const r = (m.result ?? {}) as Record<string, unknown>;
      const value =
        typeof r.path === 'string'
          ? r.path
          : Array.isArray(r.children)
            ? `[${r.children.join(', ')}]`
            : 'stat' in r
              ? r.stat === null
                ? 'no such znode'
                : `version ${String((r.stat as Record<string, unknown>).version)}${'data' in r ? `, ${brief(r.data, 24)}` : ''}`
              : 'ok';
      return { kind: 'reply', text: `#${String(m.xid)} → ${value}` };
    }
    case 'watch':
      return { kind: 'watch', text: `watch: ${String(m.event)} ${String(m.path)}` };
    default:
      return undefined;
  }
}
