/**
 * The consistent-hashing ring behind the ring diagram, placed exactly as the hash-ring
 * exercise places it: barista `id`'s i-th token sits at `hash32(`${id}#${i}`)`, a key at
 * `hash32(key)`, and a key belongs to the first token at or clockwise after it, wrapping past
 * the top; tokens at the same position order by barista id. So what the diagram shows is what
 * a correct `HashRing` from the exercise would answer.
 */
// The sim declares itself free of import side effects (package.json), so this pulls in
// hash32 alone, not the engine, for a diagram that only hashes.
import { hash32 } from '@baristas/sim';

export interface Token {
  position: number;
  barista: string;
}

export const tokenName = (barista: string, i: number): string => `${barista}#${i}`;

export function buildTokens(baristas: readonly string[], vnodes: number): Token[] {
  const tokens: Token[] = [];
  for (const barista of baristas) for (let i = 0; i < vnodes; i++) tokens.push({ position: hash32(tokenName(barista, i)), barista });
  return tokens.sort((a, b) => a.position - b.position || (a.barista < b.barista ? -1 : a.barista > b.barista ? 1 : 0));
}

/** Index of the token owning `position` (first at or after it, wrapping); tokens must be non-empty. */
export function ownerIndex(tokens: readonly Token[], position: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.position < position) lo = mid + 1;
    else hi = mid;
  }
  return lo === tokens.length ? 0 : lo;
}

export function ownersOf(keys: readonly string[], tokens: readonly Token[]): Map<string, string> {
  const owners = new Map<string, string>();
  if (tokens.length === 0) return owners;
  for (const key of keys) owners.set(key, tokens[ownerIndex(tokens, hash32(key))]!.barista);
  return owners;
}

/** How many keys each barista holds, in the order given (baristas with none count 0). */
export function loadOf(baristas: readonly string[], owners: ReadonlyMap<string, string>): number[] {
  const counts = new Map(baristas.map((b) => [b, 0]));
  for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return baristas.map((b) => counts.get(b)!);
}

/**
 * Each barista's share of the ring (0–1), in the order given: the arcs that end at its tokens.
 * With many keys, a barista's load tends to its share, whatever the sample of keys shows.
 */
export function sharesOf(baristas: readonly string[], tokens: readonly Token[]): number[] {
  const share = new Map(baristas.map((b) => [b, 0]));
  tokens.forEach((t, i) => {
    const prev = tokens[(i - 1 + tokens.length) % tokens.length]!.position;
    const arc = tokens.length === 1 ? TURN : (t.position - prev + TURN) % TURN;
    share.set(t.barista, share.get(t.barista)! + arc / TURN);
  });
  return baristas.map((b) => share.get(b)!);
}

const TURN = 2 ** 32;

/** The largest load over the mean: 1 is perfectly even. Works for counts and for shares. */
export function imbalance(load: readonly number[]): number {
  const total = load.reduce((a, b) => a + b, 0);
  return total === 0 ? 1 : Math.max(...load) / (total / load.length);
}

export interface Move {
  key: string;
  from: string;
  to: string;
}

export type Change = { kind: 'add'; barista: string } | { kind: 'remove'; barista: string } | { kind: 'vnodes'; from: number; to: number };

export const KEYS_DEFAULT = Array.from({ length: 200 }, (_, i) => `customer-${i + 1}`);
export const BARISTAS_MAX = 8;
export const VNODES_MAX = 128;

/** The ring with its history of one step: what the last change moved. */
export class RingModel {
  readonly keys: readonly string[];
  /** Each key's position on the ring, `hash32(key)`. */
  readonly positions: ReadonlyMap<string, number>;
  baristas: string[];
  vnodes: number;
  tokens: Token[] = [];
  owners = new Map<string, string>();
  moved: Move[] = [];
  last: Change | undefined;

  constructor(baristas: readonly string[], vnodes: number, keys: readonly string[] = KEYS_DEFAULT) {
    this.keys = keys;
    this.positions = new Map(keys.map((k) => [k, hash32(k)]));
    this.baristas = [...baristas];
    this.vnodes = vnodes;
    this.place();
    this.moved = [];
  }

  /** The next barista to join: the lowest free number, so ids (and colours) stay few. */
  nextId(): string {
    for (let i = 1; ; i++) if (!this.baristas.includes(`barista-${i}`)) return `barista-${i}`;
  }

  add(id = this.nextId()): string {
    if (this.baristas.includes(id)) return id;
    this.baristas = [...this.baristas, id].sort(byNumber);
    this.last = { kind: 'add', barista: id };
    this.place();
    return id;
  }

  remove(id: string): void {
    if (!this.baristas.includes(id)) return;
    this.baristas = this.baristas.filter((b) => b !== id);
    this.last = { kind: 'remove', barista: id };
    this.place();
  }

  setVnodes(vnodes: number): void {
    if (vnodes === this.vnodes) return;
    this.last = { kind: 'vnodes', from: this.vnodes, to: vnodes };
    this.vnodes = vnodes;
    this.place();
  }

  load(): number[] {
    return loadOf(this.baristas, this.owners);
  }

  shares(): number[] {
    return sharesOf(this.baristas, this.tokens);
  }

  private place(): void {
    const before = this.owners;
    this.tokens = buildTokens(this.baristas, this.vnodes);
    this.owners = ownersOf(this.keys, this.tokens);
    this.moved = [];
    for (const key of this.keys) {
      const from = before.get(key);
      const to = this.owners.get(key);
      if (from !== undefined && to !== undefined && from !== to) this.moved.push({ key, from, to });
    }
  }
}

const numberOf = (id: string): number => Number(id.replace(/\D+/g, '')) || 0;
const byNumber = (a: string, b: string): number => numberOf(a) - numberOf(b) || (a < b ? -1 : a > b ? 1 : 0);
