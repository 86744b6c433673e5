/**
 * Picks the runtime for each Run. The worker is always there. WebContainer (real Node in the
 * page) loads StackBlitz's code from stackblitz.com, so the `webcontainer` build setting
 * decides whether the page may try it: never (`off`), once the learner has agreed (`ask`,
 * remembered in this browser), or unprompted (`auto`). It is tried at most once per page, only
 * where the page is cross-origin isolated and the browser can host it; until it is ready, and
 * if it fails, the worker serves.
 */
import type { Runtime } from './runtime.ts';
import { WorkerRuntime } from './worker-runtime.ts';
import { planWebContainer, whyUnavailable, type Plan, type WebContainerMode } from './webcontainer-plan.ts';

export type { WebContainerMode } from './webcontainer-plan.ts';

const BOOT_TIMEOUT_MS = 30_000;
/** localStorage key of the learner's choice in `ask` mode; per origin, so per hosted course. */
export const CHOICE_KEY = 'baristas:webcontainer';
const worker = new WorkerRuntime();

/**
 * Where the next Run goes, and why: what the toolbar's runtime indicator shows. `chosen`: the
 * learner's remembered choice put WebContainer in play, so the toolbar offers to take it back.
 * `offered`: the worker grades and the learner may choose WebContainer; `loaded` says one was
 * started earlier in this page (only a reload unloads it).
 */
export type RuntimeStatus =
  | { state: 'worker'; reason: string; chosen: boolean }
  | { state: 'offered'; loaded: boolean }
  | { state: 'booting'; chosen: boolean }
  | { state: 'webcontainer'; chosen: boolean }
  | { state: 'fallback'; reason: string; chosen: boolean };

let mode: WebContainerMode = 'ask';
let status: RuntimeStatus = { state: 'worker', reason: 'WebContainer has not been tried yet', chosen: false };
/** The page's one boot: WebContainer allows one instance per page, and a failed boot does not recover. */
let attempt: Promise<Runtime> | undefined;
let booted: Runtime | undefined;
/** Bumped on every choice, so a boot that ends after the learner changed their mind changes nothing. */
let choice = 0;

const listeners = new Set<(status: RuntimeStatus) => void>();
const setStatus = (next: RuntimeStatus): void => {
  status = next;
  for (const listener of listeners) listener(next);
};

function remembered(): boolean {
  try {
    return localStorage.getItem(CHOICE_KEY) === 'accepted';
  } catch {
    return false;
  }
}

function remember(accepted: boolean): void {
  try {
    if (accepted) localStorage.setItem(CHOICE_KEY, 'accepted');
    else localStorage.removeItem(CHOICE_KEY);
  } catch {
    // Storage is blocked: the choice holds for this page only.
  }
}

function unavailable(): string | undefined {
  return whyUnavailable({
    crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
    userAgent: navigator.userAgent,
    platform: navigator.platform,
    maxTouchPoints: navigator.maxTouchPoints,
  });
}

// End-to-end tests cannot reach StackBlitz. They put a stand-in for a booted WebContainer,
// backed by real local Node and a real shell, here before the page's scripts run.
const standIn = (): Runtime | undefined => (globalThis as { __baristasWebContainerStandIn?: Runtime }).__baristasWebContainerStandIn;

function whenIdle(): Promise<void> {
  // Never compete with the page's first paint or the learner's first Run.
  return new Promise((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 5_000 });
    else setTimeout(resolve, 2_000);
  });
}

function boot(chosen: boolean, idle: boolean): void {
  const mine = choice;
  setStatus({ state: 'booting', chosen });
  // Only this dynamic import brings WebContainer's code, and with it the request to stackblitz.com.
  attempt ??= (idle ? whenIdle() : Promise.resolve())
    .then(() => import('./webcontainer-runtime.ts'))
    .then(({ bootWebContainer }) => bootWebContainer(BOOT_TIMEOUT_MS))
    .then((runtime) => (booted = runtime));
  attempt.then(
    () => mine === choice && setStatus({ state: 'webcontainer', chosen }),
    // A failed boot leaves the worker in charge, and the indicator says why.
    (error: unknown) => mine === choice && setStatus({ state: 'fallback', reason: error instanceof Error ? error.message : String(error), chosen }),
  );
}

function follow(plan: Plan): void {
  switch (plan.action) {
    case 'none':
      return setStatus({ state: 'worker', reason: plan.reason, chosen: plan.chosen });
    case 'offer':
      return setStatus({ state: 'offered', loaded: attempt !== undefined });
    case 'boot':
      return boot(plan.chosen, true);
    case 'stand-in':
      booted = standIn();
      attempt = Promise.resolve(booted!);
      return setStatus({ state: 'webcontainer', chosen: plan.chosen });
  }
}

let started = false;

export const runtimes = {
  /** The runtime the next Run should use. */
  current(): Runtime {
    runtimes.start();
    return status.state === 'webcontainer' && booted ? booted : worker;
  },
  /** Decides, once per page, what to do about WebContainer under the build's `mode`. */
  start(buildMode: WebContainerMode = 'ask'): void {
    if (started) return;
    started = true;
    mode = buildMode;
    follow(planWebContainer({ mode, accepted: remembered(), unavailable: unavailable(), standIn: standIn() !== undefined }));
  },
  /** The learner accepts WebContainer (`ask` mode): remembered, and tried now, not in idle time. */
  accept(): void {
    if (mode !== 'ask') return;
    choice++;
    remember(true);
    const reason = unavailable();
    if (reason !== undefined) return setStatus({ state: 'worker', reason, chosen: true });
    boot(true, false);
  },
  /**
   * The learner takes the choice back: forgotten, and the next Run uses the worker. Returns
   * whether a WebContainer started in this page stays in memory (until the page is reloaded).
   */
  withdraw(): boolean {
    if (mode !== 'ask') return false;
    choice++;
    remember(false);
    follow(planWebContainer({ mode, accepted: false, unavailable: unavailable(), standIn: false }));
    return attempt !== undefined;
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
      return s.chosen
        ? {
            label: `Runs in: browser worker (Node cannot run here: ${s.reason})`,
            detail: `You chose WebContainer (real Node), but it cannot run here: ${s.reason}. The browser worker grades instead, with identical results.`,
          }
        : { label: 'Runs in: browser worker', detail: `Your code is graded in a Web Worker in this page. WebContainer (real Node) is off: ${s.reason}.` };
    case 'offered':
      return {
        label: 'Runs in: browser worker',
        detail: `Your code is graded in a Web Worker in this page. WebContainer (real Node) is available if you choose it; it loads code from stackblitz.com, so nothing is loaded until you do.${s.loaded ? ' The WebContainer started earlier stays in memory until you reload the page.' : ''}`,
      };
    case 'booting':
      return { label: 'Runs in: browser worker (starting Node…)', detail: 'WebContainer (real Node) is starting in the background; until it is ready, the browser worker grades.' };
    case 'webcontainer':
      return { label: 'Runs in: WebContainer (Node)', detail: 'Your code is graded by real Node running in this page (WebContainer).' };
    case 'fallback':
      return {
        label: `Runs in: browser worker (Node did not start: ${s.reason})`,
        detail: `WebContainer (real Node) could not start: ${s.reason}. The browser worker grades instead, with identical results.`,
      };
  }
}
