/**
 * Time for the vitest suites: the moment every test starts at, the fake timers that hold the clock
 * there, tokens minted at other moments, a fake {@link Clock}, and helpers to let time and promises run.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { Clock, TimerHandle } from 'access-token-manager';
import { mintToken } from './tokens.js';

/** What the fake clock reads when each test starts. */
export const T0 = Date.parse('2025-06-01T12:00:00.000Z');
/** T0 in seconds, as the claims of a token write it. */
export const T0_SECONDS = T0 / 1000;
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/**
 * Fakes time in every test of the calling file: before each, the fake timers are installed and the
 * clock set to T0; after each, the real timers are back.
 *
 * @param config what vitest fakes: every timer and Date by default; `{ toFake: ['Date'] }` for Date alone.
 */
export function useFakeTime(config?: Parameters<typeof vi.useFakeTimers>[0]): void {
  beforeEach(() => {
    vi.useFakeTimers(config);
    vi.setSystemTime(T0);
  });

  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Runs the timers until the clock reads T0 + `offsetMs`. */
export function advanceTo(offsetMs: number): void {
  vi.advanceTimersByTime(T0 + offsetMs - Date.now());
}

/** Mints a real token as if the clock read T0 + `offsetMs`, leaving the clock where it was. */
export function mintAt(offsetMs: number, options: Parameters<typeof mintToken>[0] = {}): string {
  const nowMs = Date.now();
  vi.setSystemTime(T0 + offsetMs);
  const token = mintToken(options);
  vi.setSystemTime(nowMs);
  return token;
}

/** Lets the fake clock run for `ms`, settling promises between timers. */
export const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Settles pending promises without moving the clock. */
export const settle = () => vi.advanceTimersByTimeAsync(0);

/** A promise and the functions that settle it, for answers that come when the test says so. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A fake {@link Clock} on vitest's fake timers, whose network, visibility and wake we control.
 *
 * Its wall clock reads the fake time plus `state.jumpMs`: moving `jumpMs` without moving the timers
 * is a machine that slept (browsers pause timers while it sleeps) or a clock set by hand. `delays`
 * records every delay asked of `setTimeout`, in order; `timers` holds the ones still pending.
 */
export function fakeClock({ online = true, hidden = false } = {}) {
  const wakeListeners = new Set<() => void>();
  const delays: number[] = [];
  const timers = new Set<TimerHandle>();
  const state = { online, hidden, jumpMs: 0 };
  const clock: Clock = {
    now: () => Date.now() + state.jumpMs,
    setTimeout: (callback, delayMs) => {
      delays.push(delayMs);
      const handle = setTimeout(() => {
        timers.delete(handle);
        callback();
      }, delayMs);
      timers.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      timers.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    onWake(callback) {
      wakeListeners.add(callback);
      return () => wakeListeners.delete(callback);
    },
    isOnline: () => state.online,
    isHidden: () => state.hidden,
  };
  /** Fires the wake signal, as `visibilitychange`, `focus`, `pageshow` or `online` would. */
  const wake = () => {
    for (const listener of [...wakeListeners]) listener();
  };
  return { clock, state, wake, wakeListeners, delays, timers };
}

/**
 * The machine sleeps for `ms`: the wall clock jumps, and every fake timer stands still (it fires
 * as late as the sleep was long), with no wake signal, as browsers pause timers while suspended.
 */
export function suspend(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}
