import { Simulation } from '../src/testing.ts';

/**
 * The raw engine workload: `pairs` pairs of nodes bounce `inFlight` messages each back and
 * forth over a uniform 1–10 ms network, recording the trace (capped) unless `recordTrace` is
 * false, as in the explorer's unreported runs. Returns deliveries per second of real time.
 */
export function echoDeliveriesPerSecond(options: { pairs?: number; inFlight?: number; deliveries?: number; recordTrace?: boolean } = {}): {
  deliveries: number;
  ms: number;
  perSecond: number;
} {
  const pairs = options.pairs ?? 4;
  const inFlight = options.inFlight ?? 50;
  const target = options.deliveries ?? 2_000_000;
  const sim = new Simulation({ seed: 1, recordTrace: options.recordTrace ?? true });
  let deliveries = 0;
  for (let p = 0; p < pairs; p++) {
    const a = `a${p}`;
    const b = `b${p}`;
    sim.addNode(a, (node) => ({
      onStart: () => {
        for (let i = 0; i < inFlight; i++) node.send(b, { seq: i });
      },
      onMessage: (from, body) => {
        deliveries++;
        node.send(from, body);
      },
    }));
    sim.addNode(b, (node) => ({
      onMessage: (from, body) => {
        deliveries++;
        node.send(from, body);
      },
    }));
  }
  const t0 = performance.now();
  sim.run({ maxEvents: target + 2 * pairs });
  const ms = performance.now() - t0;
  return { deliveries, ms, perSecond: (deliveries / ms) * 1000 };
}
