/**
 * The simulation's agenda: scheduled events popped in (time, seq) order. The sequence number
 * breaks ties by scheduling order, so two events at the same virtual time always run in the
 * same order: that tie-break is part of what makes a run a pure function of its seed.
 *
 * Events at the same time share one FIFO bucket, and only distinct times go through a binary
 * heap. Sequence numbers only grow, so appending to a bucket keeps it in seq order; and a run
 * has few distinct pending times (delays are whole ms), so most pushes and pops touch no heap.
 */
export interface Scheduled {
  timeMs: number;
  seq: number;
  run(): void;
}

interface Bucket {
  items: Scheduled[];
  head: number;
}

export class EventQueue {
  private readonly buckets = new Map<number, Bucket>();
  /** Distinct pending times, as a min-heap. */
  private readonly times: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds an event; its `seq` must exceed every `seq` pushed before at the same time. */
  push(item: Scheduled): void {
    let bucket = this.buckets.get(item.timeMs);
    if (!bucket) {
      bucket = { items: [], head: 0 };
      this.buckets.set(item.timeMs, bucket);
      this.pushTime(item.timeMs);
    }
    bucket.items.push(item);
    this.count++;
  }

  /** Time of the next event, or undefined when none is pending. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): Scheduled | undefined {
    const time = this.times[0];
    if (time === undefined) return undefined;
    const bucket = this.buckets.get(time)!;
    const item = bucket.items[bucket.head++]!;
    if (bucket.head === bucket.items.length) {
      this.buckets.delete(time);
      this.popTime();
    }
    this.count--;
    return item;
  }

  // Sifts move a hole instead of swapping pairs: one write per level, no temporary arrays.
  private pushTime(time: number): void {
    const h = this.times;
    let i = h.length;
    h.push(time);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (p <= time) break;
      h[i] = p;
      i = parent;
    }
    h[i] = time;
  }

  private popTime(): void {
    const h = this.times;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && h[r]! < h[l]! ? r : l;
      if (h[m]! >= last) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
  }
}
