/**
 * Picks the runtime for each Run. The worker is always there. WebContainer (real Node in the
 * page) is tried once per page, in idle time, only when the page is cross-origin isolated and
 * the browser can host it; until it is ready, and if it fails, the worker serves.
 */
import type { Runtime } from './runtime.ts';
import { WorkerRuntime } from './worker-runtime.ts';

const BOOT_TIMEOUT_MS = 30_000;
const worker = new WorkerRuntime();
let webcontainer: Runtime | undefined;

/** Where the next Run goes, and why: what the toolbar's runtime indicator shows. */
export type RuntimeStatus =
  | { state: 'worker'; reason: string }
  | { state: 'booting' }
  | { state: 'webcontainer' }
  | { state: 'fallback'; reason: string };

let status: RuntimeStatus = { state: 'worker', reason: 'WebContainer has not been tried yet' };
const listeners = new Set<(status: RuntimeStatus) => void>();
const setStatus = (next: RuntimeStatus): void => {
  status = next;
  for (const listener of listeners) listener(next);
};

/** Why this page cannot host WebContainer, or undefined when it can. */
function whyNoWebContainer(): string | undefined {
  if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) return 'the page is not cross-origin isolated';
  const iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  return iOS ? 'WebContainer does not run on iOS' : undefined;
}

// WebContainer needs SharedArrayBuffer (COOP/COEP headers) and does not run on iOS.
function boot(): void {
  // End-to-end tests cannot reach StackBlitz. They put a stand-in for a booted WebContainer,
  // backed by real local Node and a real shell, here before the page's scripts run.
  const standIn = (globalThis as { __baristasWebContainerStandIn?: Runtime }).__baristasWebContainerStandIn;
  if (standIn) {
    webcontainer = standIn;
    return setStatus({ state: 'webcontainer' });
  }
  const reason = whyNoWebContainer();
  if (reason) return setStatus({ state: 'worker', reason });
  setStatus({ state: 'booting' });
  const start = () =>
    import('./webcontainer-runtime.ts')
      .then(({ bootWebContainer }) => bootWebContainer(BOOT_TIMEOUT_MS))
      .then((runtime) => {
        webcontainer = runtime;
        setStatus({ state: 'webcontainer' });
      })
      // A failed boot leaves the worker in charge, and the indicator says why.
      .catch((error: unknown) => setStatus({ state: 'fallback', reason: error instanceof Error ? error.message : String(error) }));
  // Never compete with the page's first paint or the learner's first Run.
  if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 5_000 });
  else setTimeout(start, 2_000);
}

let started = false;

export const runtimes = {
  /** The runtime the next Run should use. */
  current(): Runtime {
    runtimes.start();
    return webcontainer ?? worker;
  },
  /** Starts the WebContainer attempt (idempotent). */
  start(): void {
    if (started) return;
    started = true;
    boot();
  },
  /** Calls `listener` with the status now and on every change; returns an unsubscribe. */
  watch(listener: (status: RuntimeStatus) => void): () => void {
    listeners.add(listener);
    listener(status);
    return () => listeners.delete(listener);
  },
};

/** The indicator's words for a status: a short label and a longer explanation. */
export function describeRuntime(s: RuntimeStatus): { label: string; detail: string } {
  switch (s.state) {
    case 'worker':
      return { label: 'Runs in: browser worker', detail: `Your code is graded in a Web Worker in this page. WebContainer (real Node) is off: ${s.reason}.` };
    case 'booting':
      return { label: 'Runs in: browser worker (starting Node…)', detail: 'WebContainer (real Node) is starting in the background; until it is ready, the browser worker grades.' };
    case 'webcontainer':
      return { label: 'Runs in: WebContainer (Node)', detail: 'Your code is graded by real Node running in this page (WebContainer).' };
    case 'fallback':
      return { label: 'Runs in: browser worker', detail: `WebContainer (real Node) could not start: ${s.reason}. The browser worker grades instead, with identical results.` };
  }
}
