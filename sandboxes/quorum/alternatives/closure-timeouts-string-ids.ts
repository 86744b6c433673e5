// Alternative: closures, with global setTimeout timers per operation (a deadline and a self-rearming resend) all cleared with clearInterval, string request ids, resends to every barista, extra fields in every message, and one storage entry per order.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { CoordinatorOptions, CustomerRequest, Version } from './protocol';

interface Entry {
  value: string | null;
  version: Version;
}

const compare = (a: Version, b: Version): number =>
  a.counter !== b.counter ? a.counter - b.counter : a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;

export function createReplica(node: Node): Handlers {
  const slot = (key: string) => `order:${key}`;
  const load = (key: string): Entry => node.storage.get<Entry>(slot(key)) ?? { value: null, version: { counter: 0, writer: '' } };
  return {
    onMessage(from, body) {
      const m = body as { type: string; req: unknown; key: string; value?: string; version?: Version };
      const held = load(m.key);
      if (m.type === 'get') {
        node.send(from, { type: 'get-ok', req: m.req, key: m.key, value: held.value, version: held.version, barista: node.id });
      } else if (m.type === 'put' && m.version && m.value !== undefined) {
        if (compare(m.version, held.version) > 0) node.storage.set(slot(m.key), { value: m.value, version: m.version });
        node.send(from, { type: 'put-ok', req: m.req, key: m.key, barista: node.id, kept: compare(m.version, held.version) > 0 });
      }
    },
  };
}

type Timer = ReturnType<typeof setTimeout>;

export function createCoordinator(node: Node, options: CoordinatorOptions): Handlers {
  const { replicas, r, w, timeoutMs } = options;
  let sequence = 0;
  const freshReq = () => `${node.id}#${++sequence}`;
  /** Callbacks waiting for answers, by the string req they were sent with. */
  const waiting = new Map<string, (from: Address, body: Record<string, unknown>) => void>();
  const topCounter: Record<string, number> = {};

  return {
    onRequest(request, reply) {
      const ask = request as CustomerRequest;
      const timers: Timer[] = [];
      const reqs: string[] = [];
      let over = false;

      const end = (answer: unknown) => {
        if (over) return;
        over = true;
        // One clear function for both kinds: timeouts and intervals share their ids.
        for (const t of timers) clearInterval(t);
        for (const q of reqs) waiting.delete(q);
        reply(answer);
      };
      timers.push(
        setTimeout(() => end({ ok: false, error: `the ${ask.op} of ${ask.key} did not reach enough baristas within ${timeoutMs} ms` }), timeoutMs),
      );

      /** Sends `message` to `to` until `count` different baristas answered with `type`; then calls `done` with the answers. */
      const phase = (
        to: Address[],
        message: Record<string, unknown>,
        type: string,
        count: number,
        done: (answers: Map<Address, Record<string, unknown>>) => void,
      ) => {
        const req = freshReq();
        reqs.push(req);
        const answers = new Map<Address, Record<string, unknown>>();
        let attempt = 0;
        let finished = false;
        const blast = () => {
          if (finished || over) return;
          attempt++;
          for (const b of to) node.send(b, { ...message, req, attempt, till: node.id });
          timers.push(setTimeout(blast, 25));
        };
        waiting.set(req, (from, body) => {
          if (body.type !== type || answers.has(from) || !to.includes(from)) return;
          answers.set(from, body);
          if (answers.size === count) {
            finished = true;
            waiting.delete(req);
            done(answers);
          }
        });
        if (count <= 0) {
          waiting.delete(req);
          done(answers);
          return;
        }
        blast();
      };

      phase(replicas, { type: 'get', key: ask.key }, 'get-ok', r, (got) => {
        if (over) return;
        let best: Entry = { value: null, version: { counter: 0, writer: '' } };
        const read = [...got].map(([b, body]) => ({ b, value: body.value as string | null, version: body.version as Version }));
        for (const x of read) if (compare(x.version, best.version) > 0) best = x;
        if (ask.op === 'write') {
          const counter = Math.max(best.version.counter, topCounter[ask.key] ?? 0) + 1;
          topCounter[ask.key] = counter;
          const version = { counter, writer: node.id };
          phase(replicas, { type: 'put', key: ask.key, value: ask.value, version }, 'put-ok', w, () => end({ ok: true, version }));
          return;
        }
        if (best.value === null) return end({ ok: true, value: null, version: best.version });
        const holders = read.filter((x) => compare(x.version, best.version) === 0).map((x) => x.b);
        const others = replicas.filter((b) => !holders.includes(b));
        const winner = best;
        phase(others, { type: 'put', key: ask.key, value: winner.value, version: winner.version }, 'put-ok', w - holders.length, () =>
          end({ ok: true, value: winner.value, version: winner.version }),
        );
      });
    },

    onMessage(from, body) {
      const m = body as Record<string, unknown>;
      waiting.get(String(m.req))?.(from, m);
    },
  };
}
