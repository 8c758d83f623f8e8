/** A handle returned by {@link Clock.setTimeout}, to give back to {@link Clock.clearTimeout}. */
export type TimerHandle = unknown;

/**
 * The environment seam: wall-clock time, timers and wake signals. The manager touches time only
 * through a `Clock`, so tests drive a fake one and apps can run it where there is no `window`.
 *
 * @example
 * // A clock that never wakes: for a worker that has no visibility or focus.
 * const clock: Clock = { ...browserClock, onWake: () => () => {} };
 */
export interface Clock {
  /** The wall-clock time, in milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `callback` once after `delayMs`. The manager never asks for a delay below 0 or above
   * {@link MAX_TIMER_DELAY_MS}, so a clock can pass it on as is.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}; cancelling twice is harmless. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Calls `callback` whenever the page may have slept or been frozen: it became visible, got
   * focus, was restored from the back/forward cache, was resumed after being frozen (Page
   * Lifecycle `resume`), or came back online.
   * @returns the function that stops listening.
   */
  onWake(callback: () => void): () => void;
  /** Whether the network is reachable (`navigator.onLine`); treated as `true` when left out. */
  isOnline?(): boolean;
  /** Whether the page is hidden (a background tab); treated as `false` when left out. */
  isHidden?(): boolean;
}

/** The longest delay `setTimeout` can hold (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * `delayMs` brought within what `setTimeout` can hold: every delay the core gives a clock goes
 * through here. The alarm re-arms when a clamped timer fires early; the other waits (retry
 * delays and time limits from the options) are cut at that length, about 24.8 days.
 * @example timerDelayMs(30 * 24 * 3_600_000) // MAX_TIMER_DELAY_MS
 */
export function timerDelayMs(delayMs: number): number {
  return Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS);
}

const WAKE_EVENTS = ['focus', 'pageshow', 'online'] as const;

/**
 * The default {@link Clock}: `Date.now`, the global timers, and the page's wake events. Each
 * global is read when it is called, not when this module loads, so fake timers and server-side
 * rendering both work; where there is no `addEventListener` (Node), it never wakes.
 *
 * @example
 * new AccessManager(token, { clock: browserClock }); // the same as leaving clock out
 */
export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  onWake(callback) {
    const target = typeof addEventListener === 'function' ? globalThis : undefined;
    const doc = typeof document === 'object' ? document : undefined;
    const onVisibilityChange = (): void => {
      if (doc?.visibilityState !== 'hidden') callback();
    };
    doc?.addEventListener('visibilitychange', onVisibilityChange);
    // Page Lifecycle: a page frozen in the background (timers stopped) is told when it runs again.
    doc?.addEventListener('resume', callback);
    for (const type of WAKE_EVENTS) target?.addEventListener(type, callback);
    return () => {
      doc?.removeEventListener('visibilitychange', onVisibilityChange);
      doc?.removeEventListener('resume', callback);
      for (const type of WAKE_EVENTS) target?.removeEventListener(type, callback);
    };
  },
  isOnline: () => typeof navigator !== 'object' || navigator.onLine !== false,
  isHidden: () => typeof document === 'object' && document.visibilityState === 'hidden',
};
