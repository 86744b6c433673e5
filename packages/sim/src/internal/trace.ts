import type { TraceEvent } from './types.ts';

/**
 * Keeps a run's events within a cap: the first half of the cap as it comes, then a ring of the
 * most recent half. A failing run's cause is usually near its start (the setup) or its end
 * (the violation), so those are what a bounded trace keeps.
 */
export class TraceRecorder {
  private readonly head: TraceEvent[] = [];
  private readonly tail: TraceEvent[] = [];
  private readonly headMax: number;
  private readonly tailMax: number;
  private tailStart = 0;
  private dropped = 0;
  private firstDroppedT = 0;

  constructor(eventsMax: number) {
    if (!(eventsMax >= 2)) throw new RangeError('traceEventsMax must be at least 2');
    this.headMax = Math.ceil(eventsMax / 2);
    this.tailMax = eventsMax - this.headMax;
  }

  get droppedEvents(): number {
    return this.dropped;
  }

  push(event: TraceEvent): void {
    if (this.head.length < this.headMax) {
      this.head.push(event);
    } else if (this.tail.length < this.tailMax) {
      this.tail.push(event);
    } else {
      const evicted = this.tail[this.tailStart]!;
      if (this.dropped === 0) this.firstDroppedT = evicted.t;
      this.dropped++;
      this.tail[this.tailStart] = event;
      this.tailStart = (this.tailStart + 1) % this.tailMax;
    }
  }

  /** The kept events in order, with one `truncated` marker where events were left out. */
  events(): TraceEvent[] {
    const tail = this.tail.slice(this.tailStart).concat(this.tail.slice(0, this.tailStart));
    if (this.dropped === 0) return this.head.concat(tail);
    return [...this.head, { t: this.firstDroppedT, type: 'truncated', dropped: this.dropped }, ...tail];
  }
}
