import { describe, expect, it } from 'vitest';
import { NOT_OFFERED, planWebContainer, webContainerMode, whyUnavailable, type Circumstances } from '../../src/runtimes/webcontainer-plan.ts';

const desktop = { crossOriginIsolated: true, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140', platform: 'Linux x86_64', maxTouchPoints: 0 };
const page = (over: Partial<Circumstances>): Circumstances => ({ mode: 'ask', accepted: false, unavailable: undefined, standIn: false, ...over });

describe('what a page does about WebContainer at load', () => {
  it('off: never boots, never offers, ignores a remembered choice and the test stand-in', () => {
    for (const accepted of [false, true]) {
      for (const standIn of [false, true]) {
        expect(planWebContainer(page({ mode: 'off', accepted, standIn }))).toEqual({ action: 'none', reason: NOT_OFFERED, chosen: false });
      }
    }
  });

  it('ask: offers until the learner accepts, then boots on every load, as their choice', () => {
    expect(planWebContainer(page({}))).toEqual({ action: 'offer' });
    expect(planWebContainer(page({ accepted: true }))).toEqual({ action: 'boot', chosen: true });
  });

  it('ask: offers nothing where WebContainer cannot run, and says why, remembering whether it was chosen', () => {
    const unavailable = 'the page is not cross-origin isolated';
    expect(planWebContainer(page({ unavailable }))).toEqual({ action: 'none', reason: unavailable, chosen: false });
    expect(planWebContainer(page({ unavailable, accepted: true }))).toEqual({ action: 'none', reason: unavailable, chosen: true });
  });

  it('auto: boots wherever it can, without asking; nothing to take back', () => {
    expect(planWebContainer(page({ mode: 'auto' }))).toEqual({ action: 'boot', chosen: false });
    expect(planWebContainer(page({ mode: 'auto', accepted: true }))).toEqual({ action: 'boot', chosen: false });
    expect(planWebContainer(page({ mode: 'auto', unavailable: 'WebContainer does not run on iOS' }))).toEqual({
      action: 'none',
      reason: 'WebContainer does not run on iOS',
      chosen: false,
    });
  });

  it('uses the stand-in (an already booted WebContainer) in ask and auto, even on a page without isolation', () => {
    const unavailable = 'the page is not cross-origin isolated';
    expect(planWebContainer(page({ standIn: true, unavailable }))).toEqual({ action: 'stand-in', chosen: false });
    expect(planWebContainer(page({ standIn: true, accepted: true }))).toEqual({ action: 'stand-in', chosen: true });
    expect(planWebContainer(page({ mode: 'auto', standIn: true }))).toEqual({ action: 'stand-in', chosen: false });
  });
});

describe('whyUnavailable', () => {
  it('needs cross-origin isolation', () => {
    expect(whyUnavailable(desktop)).toBeUndefined();
    expect(whyUnavailable({ ...desktop, crossOriginIsolated: false })).toBe('the page is not cross-origin isolated');
  });

  it('knows iOS, including an iPad that calls itself a Mac', () => {
    expect(whyUnavailable({ ...desktop, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)' })).toBe('WebContainer does not run on iOS');
    expect(whyUnavailable({ ...desktop, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', platform: 'MacIntel', maxTouchPoints: 5 })).toBe(
      'WebContainer does not run on iOS',
    );
    expect(whyUnavailable({ ...desktop, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', platform: 'MacIntel', maxTouchPoints: 0 })).toBeUndefined();
  });
});

describe('webContainerMode', () => {
  it('reads the build setting from markup; anything else means ask, which loads nothing unasked', () => {
    expect(webContainerMode('off')).toBe('off');
    expect(webContainerMode('auto')).toBe('auto');
    expect(webContainerMode('ask')).toBe('ask');
    expect(webContainerMode(undefined)).toBe('ask');
    expect(webContainerMode('yes')).toBe('ask');
  });
});
