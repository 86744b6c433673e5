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

/** WebContainer needs SharedArrayBuffer (COOP/COEP headers) and does not run on iOS. */
function canHostWebContainer(): boolean {
  if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) return false;
  const iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  return !iOS;
}

function boot(): void {
  if (!canHostWebContainer()) return;
  const start = () =>
    import('./webcontainer-runtime.ts')
      .then(({ bootWebContainer }) => bootWebContainer(BOOT_TIMEOUT_MS))
      .then((runtime) => {
        webcontainer = runtime;
      })
      // A failed boot leaves the worker in charge; the reason is logged for whoever debugs it.
      .catch((error: unknown) => console.info(`WebContainer unavailable: ${error instanceof Error ? error.message : String(error)}`));
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
};
