/**
 * A binary min-heap of scheduled events ordered by (time, seq). The sequence number breaks
 * ties by scheduling order, so two events at the same virtual time always run in the same
 * order: that tie-break is part of what makes a run a pure function of its seed.
 */
export interface Scheduled {
  timeMs: number;
  seq: number;
  run(): void;
}

export class EventQueue {
  private heap: Scheduled[] = [];

  get size(): number {
    return this.heap.length;
  }

  // Sifts move a hole instead of swapping pairs: one write per level, no temporary arrays.
  push(item: Scheduled): void {
    const h = this.heap;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!before(item, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = item;
  }

  pop(): Scheduled | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    const n = h.length;
    if (n > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[m]!, last)) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
