import { AccessTokenError } from './errors';
import type { Clock, TimerHandle } from './clock';

/**
 * Why the token provider is asked: the first token, the warning before expiry, expiry itself,
 * the page waking from sleep, or an explicit `refresh()`.
 */
export type RefreshReason = 'initial' | 'about-to-expire' | 'expired' | 'wake' | 'manual';

/** What the token provider is told when it is asked for a token. */
export interface TokenProviderContext {
  /** Why a token is needed now. Retries keep the reason of the first attempt. */
  reason: RefreshReason;
  /** Aborted when the manager is destroyed: pass it to `fetch` so the request is cancelled. */
  signal: AbortSignal;
}

/**
 * The app's function that fetches a fresh token from its token server.
 *
 * @example
 * const tokenProvider: TokenProvider = async ({ signal }) => {
 *   const response = await fetch('/token', { signal, cache: 'no-store' });
 *   return (await response.json()).token;
 * };
 */
export type TokenProvider = (context: TokenProviderContext) => Promise<string> | string;

/** How failed refreshes are retried: exponential backoff with jitter, between two bounds. */
export interface RetryOptions {
  /**
   * The delay before the first retry, in milliseconds; each later one doubles it.
   * @default 1_000
   */
  baseDelayMs?: number;
  /**
   * The longest delay between two attempts, in milliseconds.
   * @default 30_000
   */
  maxDelayMs?: number;
}

/** The second argument of the `refreshFailed` event. */
export interface RefreshFailure {
  /** Which attempt failed, from 1. */
  attempt: number;
  /** How long until the next attempt, in milliseconds (sooner if the page wakes or comes online). */
  retryInMs: number;
}

/**
 * The delay before retry number `attempt`: the ceiling doubles from `baseDelayMs` up to
 * `maxDelayMs`, and the delay is drawn from its upper half, so retries keep growing while tabs and
 * devices that failed together spread out.
 *
 * @param attempt - the attempt that just failed, from 1.
 * @param baseDelayMs - the first ceiling.
 * @param maxDelayMs - the largest ceiling.
 * @param random - a source of numbers in [0, 1).
 * @returns the delay in milliseconds.
 * @example backoffDelayMs(3, 1_000, 30_000) // between 2_000 and 4_000
 */
export function backoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceilingMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceilingMs / 2 + (random() * ceilingMs) / 2);
}

/** A promise that rejects with `destroyed` when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<never> {
  if (signal.aborted) return Promise.reject(new AccessTokenError('destroyed'));
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new AccessTokenError('destroyed')), { once: true });
  });
}

/** Settings of a {@link RefreshLoop}. */
export interface RefreshLoopSettings {
  clock: Clock;
  /** One attempt: fetch a token and have it accepted; throws when the attempt failed. */
  attempt: (reason: RefreshReason, signal: AbortSignal) => Promise<string>;
  /** Told about each failed attempt, before the loop waits. */
  onFailure: (error: unknown, failure: RefreshFailure) => void;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait while the page is hidden, instead of refreshing in the background. */
  pauseWhenHidden: boolean;
  /** How long one attempt may take before it is aborted and counted as failed, in milliseconds. */
  attemptTimeoutMs: number;
}

/**
 * Runs refresh attempts: one at a time (every caller shares the one in flight), retried with
 * backoff until one succeeds or the loop is stopped, waiting while offline (and, if asked, while
 * hidden) instead of burning attempts.
 */
export class RefreshLoop {
  readonly #settings: RefreshLoopSettings;
  readonly #waiters = new Set<() => void>();
  #inFlight: Promise<string> | null = null;
  #controller: AbortController | null = null;
  #stopped = false;

  /** @param settings - see {@link RefreshLoopSettings}. */
  constructor(settings: RefreshLoopSettings) {
    this.#settings = settings;
  }

  /** Whether a refresh is under way (fetching, or waiting to retry). */
  get running(): boolean {
    return this.#inFlight !== null;
  }

  /**
   * Starts a refresh, or joins the one in flight.
   * @returns the accepted token; rejects with `destroyed` once the loop is stopped.
   */
  run(reason: RefreshReason): Promise<string> {
    this.#inFlight ??= this.#loop(reason).finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  /** Ends any wait early: the page woke or came online, so retry now. */
  wake(): void {
    for (const resolve of [...this.#waiters]) resolve();
  }

  /** Aborts the attempt in flight and stops retrying for good. */
  stop(): void {
    this.#stopped = true;
    this.#controller?.abort();
    this.wake();
  }

  async #loop(reason: RefreshReason): Promise<string> {
    const { clock, pauseWhenHidden } = this.#settings;
    for (let attempt = 1; ; attempt++) {
      while (!this.#stopped && (clock.isOnline?.() === false || (pauseWhenHidden && clock.isHidden?.()))) {
        // Woken by `online` or `visibilitychange`; the time limit covers a clock that never wakes.
        await this.#pause(this.#settings.maxDelayMs);
      }
      if (this.#stopped) break;
      try {
        const token = await this.#attempt(reason);
        if (!this.#stopped) return token;
      } catch (error) {
        if (this.#stopped) break;
        const retryInMs = backoffDelayMs(attempt, this.#settings.baseDelayMs, this.#settings.maxDelayMs);
        this.#settings.onFailure(error, { attempt, retryInMs });
        if (this.#stopped) break; // a refreshFailed listener destroyed the manager
        await this.#pause(retryInMs);
      }
    }
    throw new AccessTokenError('destroyed');
  }

  /**
   * One attempt, settled at the latest when the loop stops (even if the provider ignores its
   * signal) or when the time limit passes: a fetch left half-open by a sleep is aborted and
   * counts as a failure, instead of holding the refresh (and a tab's lock) for ever.
   */
  async #attempt(reason: RefreshReason): Promise<string> {
    const { clock, attemptTimeoutMs } = this.#settings;
    const controller = new AbortController();
    this.#controller = controller;
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = clock.setTimeout(() => {
        reject(new AccessTokenError('provider-timeout', { timeoutMs: attemptTimeoutMs }));
        controller.abort();
      }, attemptTimeoutMs);
    });
    try {
      return await Promise.race([
        this.#settings.attempt(reason, controller.signal),
        whenAborted(controller.signal),
        timedOut,
      ]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /** Waits until `ms` have passed (if given) or the page wakes, whichever comes first. */
  #pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let handle: TimerHandle | undefined;
      const done = (): void => {
        this.#waiters.delete(done);
        if (handle !== undefined) this.#settings.clock.clearTimeout(handle);
        resolve();
      };
      this.#waiters.add(done);
      if (ms !== undefined) handle = this.#settings.clock.setTimeout(done, ms);
    });
  }
}
