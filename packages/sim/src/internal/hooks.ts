import type { Node, TraceEvent } from './types.ts';

/**
 * Course services that run as nodes (the coordination service) record events of their own
 * kind in the trace. The hook hangs off the node's view under a symbol, so learner code, which
 * only sees the `Node` interface, neither sees it nor can fake one.
 */
export const SERVICE_TRACE = Symbol('baristas.serviceTrace');

type ServiceEvent = Extract<TraceEvent, { type: 'session' }>;

/** Records `event` at the current virtual time, when the node is live and the run traces. */
export function recordServiceEvent(node: Node, event: Omit<ServiceEvent, 't'>): void {
  const hook = (node as unknown as Record<symbol, ((event: Omit<ServiceEvent, 't'>) => void) | undefined>)[SERVICE_TRACE];
  hook?.(event);
}
