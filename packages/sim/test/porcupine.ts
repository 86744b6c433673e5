/**
 * Loads the Porcupine test histories (./data/porcupine, see its README) as
 * `Operation`s for the linearizability checker. Plain functions, so that the tests and the
 * benchmark script read the data the same way.
 *
 * Times: an operation's call and return times are the line numbers of its invocation and
 * completion, so every event has its own "ms" and real-time order is exactly the log's order.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CasRegisterInput, KvInput, Operation } from '../src/testing.ts';

/** Where the Porcupine data lives: copied into the repository with its licence, so a clone stands alone. */
export const PORCUPINE_DIR = fileURLToPath(new URL('./data/porcupine/', import.meta.url));

/** One etcd operation: a compare-and-set register of small integers. */
export type EtcdOperation = Operation<CasRegisterInput<number>, number | boolean | null>;

/** One key–value operation. */
export type KvOperation = Operation<KvInput, string>;

/** A history with the answer Porcupine's own tests assert for it. */
export interface PorcupineHistory<Op> {
  /** The file, relative to {@link PORCUPINE_DIR}, as `expected.json` names it, e.g. `jepsen/etcd_000.log`. */
  name: string;
  /** Whether the history is linearizable. */
  expected: boolean;
  history: Op[];
}

/** Whether each file's history is linearizable, keyed by path relative to {@link PORCUPINE_DIR}. */
export function readExpected(): Record<string, boolean> {
  const json = JSON.parse(readFileSync(join(PORCUPINE_DIR, 'expected.json'), 'utf8')) as {
    linearizable: Record<string, boolean>;
  };
  return json.linearizable;
}

const JEPSEN_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(\S+(?:\s+\S+)*)\s*$/;

function parseInteger(text: string, line: number): number {
  if (!/^-?\d+$/.test(text)) throw new Error(`line ${line + 1}: expected an integer, got ${text}`);
  return Number(text);
}

function parsePair(text: string, line: number): [number, number] {
  const m = /^\[(-?\d+)\s+(-?\d+)\]$/.exec(text);
  if (!m) throw new Error(`line ${line + 1}: expected [old new], got ${text}`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * Parses one Jepsen etcd log, with the conventions of the README (which are Porcupine's):
 * `:ok` completes an operation; `:fail :cas` is a cas that returned false (the value was not
 * the expected one, nothing changed); `:fail :read :timed-out` and every `:info` leave the
 * result unknown (`returnMs: Infinity`), as does an invocation still pending at the end.
 * Throws on anything else, so that a misread file cannot pass silently.
 */
export function parseEtcdLog(text: string): EtcdOperation[] {
  const ops: EtcdOperation[] = [];
  const pending = new Map<string, EtcdOperation>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === '') continue;
    const m = JEPSEN_LINE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    const client = m[1]!;
    const type = m[2]!;
    const f = m[3]!;
    const value = m[4]!;
    if (type === 'invoke') {
      if (pending.has(client)) throw new Error(`line ${i + 1}: process ${client} invokes while busy`);
      let input: CasRegisterInput<number>;
      if (f === 'read') input = { f: 'read' };
      else if (f === 'write') input = { f: 'write', value: parseInteger(value, i) };
      else {
        const [from, to] = parsePair(value, i);
        input = { f: 'cas', from, to };
      }
      const op: EtcdOperation = { id: ops.length, client, input, output: undefined, callMs: i, returnMs: Infinity };
      ops.push(op);
      pending.set(client, op);
      continue;
    }
    const op = pending.get(client);
    if (!op || op.input.f !== f) throw new Error(`line ${i + 1}: ${type} :${f} without a matching invocation`);
    pending.delete(client);
    if (type === 'info') continue; // result unknown: returnMs stays Infinity
    if (type === 'fail') {
      if (f === 'read' && value === ':timed-out') continue; // result unknown
      if (f !== 'cas') throw new Error(`line ${i + 1}: unexpected :fail :${f}`);
      op.output = false;
    } else if (f === 'read') {
      op.output = value === 'nil' ? null : parseInteger(value, i);
    } else if (f === 'cas') {
      op.output = true;
    }
    if (op.input.f === 'write' && op.input.value !== parseInteger(value, i)) {
      throw new Error(`line ${i + 1}: write completes with another value than it was invoked with`);
    }
    if (op.input.f === 'cas') {
      const [from, to] = parsePair(value, i);
      if (op.input.from !== from || op.input.to !== to) {
        throw new Error(`line ${i + 1}: cas completes with other values than it was invoked with`);
      }
    }
    op.returnMs = i;
  }
  return ops;
}

const KV_LINE =
  /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key "([^"\\]*)", :value (nil|"[^"\\]*")\}$/;

/**
 * Parses one key–value log (one EDN map per line). Only `:invoke` and `:ok` occur in the
 * files; anything else, or an unmatched completion, throws. Invocations never completed
 * would be left with unknown results.
 */
export function parseKvLog(text: string): KvOperation[] {
  const ops: KvOperation[] = [];
  const pending = new Map<string, KvOperation>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === '') continue;
    const m = KV_LINE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    const client = m[1]!;
    const type = m[2]!;
    const f = m[3]!;
    const key = m[4]!;
    const value = m[5] === 'nil' ? null : (JSON.parse(m[5]!) as string);
    if (type === 'invoke') {
      if (pending.has(client)) throw new Error(`line ${i + 1}: process ${client} invokes while busy`);
      let input: KvInput;
      if (f === 'get') input = { f: 'get', key };
      else if (value === null) throw new Error(`line ${i + 1}: :${f} without a value`);
      else input = f === 'put' ? { f: 'put', key, value } : { f: 'append', key, value };
      const op: KvOperation = { id: ops.length, client, input, output: undefined, callMs: i, returnMs: Infinity };
      ops.push(op);
      pending.set(client, op);
      continue;
    }
    const op = pending.get(client);
    if (type !== 'ok' || !op || op.input.f !== f || op.input.key !== key) {
      throw new Error(`line ${i + 1}: unexpected ${type} :${f} for process ${client}`);
    }
    pending.delete(client);
    if (f === 'get') {
      if (value === null) throw new Error(`line ${i + 1}: :get returned nil`);
      op.output = value;
    }
    op.returnMs = i;
  }
  return ops;
}

/** Every etcd history (`jepsen/etcd_NNN.log`) in file order, with its expected answer. */
export function loadEtcdHistories(): PorcupineHistory<EtcdOperation>[] {
  const expected = readExpected();
  return readdirSync(join(PORCUPINE_DIR, 'jepsen'))
    .filter((f) => /^etcd_\d+\.log$/.test(f))
    .sort()
    .map((file) => {
      const name = `jepsen/${file}`;
      const answer = expected[name];
      if (answer === undefined) throw new Error(`expected.json has no answer for ${name}`);
      return { name, expected: answer, history: parseEtcdLog(readFileSync(join(PORCUPINE_DIR, name), 'utf8')) };
    });
}

/** The kv files' names, e.g. `c01-ok`, in the order 1, 10, 50 clients, ok before bad. */
export const KV_NAMES = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'] as const;

/** One key–value history by its short name (`c50-ok`) or its path (`kv/c50-ok.txt`). */
export function loadKvHistory(name: string): PorcupineHistory<KvOperation> {
  const path = name.startsWith('kv/') ? name : `kv/${name}.txt`;
  const answer = readExpected()[path];
  if (answer === undefined) throw new Error(`expected.json has no answer for ${path}`);
  return { name: path, expected: answer, history: parseKvLog(readFileSync(join(PORCUPINE_DIR, path), 'utf8')) };
}

/** All six key–value histories, in {@link KV_NAMES} order. */
export function loadKvHistories(): PorcupineHistory<KvOperation>[] {
  return KV_NAMES.map(loadKvHistory);
}
