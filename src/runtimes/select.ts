/**
 * Picks the runtime for each Run. The worker is always there. WebContainer (real Node in the
 * page) is tried once per page, in idle time, only when the page is cross-origin isolated and
 * the browser can host it; until it is ready, and if it fails, the worker serves.
 */
import type { Runtime } from './runtime.ts';
import { WorkerRuntime } from './worker-runtime.ts';

export type WebContainerState =
  | { state: 'unavailable'; reason: string }
  | { state: 'booting' }
  | { state: 'ready' }
  | { state: 'failed'; reason: string };

const BOOT_TIMEOUT_MS = 30_000;
const worker = new WorkerRuntime();
let webcontainer: Runtime | undefined;
let status: WebContainerState = { state: 'unavailable', reason: 'not started' };
const listeners = new Set<(s: WebContainerState) => void>();

function setStatus(next: WebContainerState): void {
  status = next;
  for (const l of listeners) l(next);
}

function unavailableReason(): string | undefined {
  if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) {
    return 'this page is not cross-origin isolated (the server does not send COOP/COEP headers)';
  }
  if (/iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)) {
    return 'WebContainers do not run on iOS';
  }
  return undefined;
}

function boot(): void {
  const reason = unavailableReason();
  if (reason) return setStatus({ state: 'unavailable', reason });
  setStatus({ state: 'booting' });
  const start = () =>
    import('./webcontainer-runtime.ts')
      .then(({ bootWebContainer }) => bootWebContainer(BOOT_TIMEOUT_MS))
      .then((runtime) => {
        webcontainer = runtime;
        setStatus({ state: 'ready' });
      })
      .catch((error: unknown) => setStatus({ state: 'failed', reason: error instanceof Error ? error.message : String(error) }));
  // Never compete with the page's first paint or the learner's first Run.
  if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 5_000 });
  else setTimeout(start, 2_000);
}

let started = false;

export const runtimes = {
  /** The runtime the next Run should use. */
  current(): Runtime {
    if (!started) {
      started = true;
      boot();
    }
    return webcontainer ?? worker;
  },
  /** Starts the WebContainer attempt (idempotent). */
  start(): void {
    if (!started) {
      started = true;
      boot();
    }
  },
  status: (): WebContainerState => status,
  onStatus(listener: (s: WebContainerState) => void): void {
    listeners.add(listener);
  },
};
