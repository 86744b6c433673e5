/**
 * What a page does about WebContainer when it loads: the decision alone, free of the DOM and
 * of storage, so it can be tested without a browser. select.ts gathers the inputs and acts.
 */

/** The `webcontainer` build setting (see src/course-config.ts). */
export type WebContainerMode = 'off' | 'ask' | 'auto';

/**
 * The mode an exercise's markup carries. Anything unreadable means `ask`: it loads nothing
 * from another site unless a learner agrees, yet still lets them choose real Node.
 */
export function webContainerMode(value: string | undefined): WebContainerMode {
  return value === 'off' || value === 'auto' ? value : 'ask';
}

export interface Browser {
  crossOriginIsolated: boolean;
  userAgent: string;
  platform: string;
  maxTouchPoints: number;
}

/** Why this browser cannot host WebContainer here, or undefined when it can. */
export function whyUnavailable(browser: Browser): string | undefined {
  // WebContainer needs SharedArrayBuffer, which only cross-origin isolated pages get.
  if (!browser.crossOriginIsolated) return 'the page is not cross-origin isolated';
  // iPadOS reports itself as a Mac; touch points give it away.
  const iOS = /iPad|iPhone|iPod/.test(browser.userAgent) || (browser.platform === 'MacIntel' && browser.maxTouchPoints > 1);
  return iOS ? 'WebContainer does not run on iOS' : undefined;
}

export interface Circumstances {
  mode: WebContainerMode;
  /** The learner chose WebContainer on this site earlier (remembered in this browser). */
  accepted: boolean;
  /** `whyUnavailable` for this page. */
  unavailable: string | undefined;
  /** End-to-end tests put a stand-in for a booted WebContainer on the page. */
  standIn: boolean;
}

/** `chosen`: the learner's own choice is why WebContainer is in play, so they may take it back. */
export type Plan =
  | { action: 'none'; reason: string; chosen: boolean }
  | { action: 'offer' }
  | { action: 'boot'; chosen: boolean }
  | { action: 'stand-in'; chosen: boolean };

export const NOT_OFFERED = 'it is not offered on this site';

export function planWebContainer({ mode, accepted, unavailable, standIn }: Circumstances): Plan {
  // A site built with `off` promised that nothing of WebContainer runs: not even the test hook.
  if (mode === 'off') return { action: 'none', reason: NOT_OFFERED, chosen: false };
  const chosen = mode === 'ask' && accepted;
  // The stand-in is a WebContainer that has already booted: nothing would be loaded to ask about.
  if (standIn) return { action: 'stand-in', chosen };
  // An offer that can only fail would be noise on every page of a host without isolation headers.
  if (unavailable !== undefined) return { action: 'none', reason: unavailable, chosen };
  if (mode === 'auto' || accepted) return { action: 'boot', chosen };
  return { action: 'offer' };
}
