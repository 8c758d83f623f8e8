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

/** A promise that rejects with `destroyed` when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<never> {
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
        await this.#pause();
      }
      if (this.#stopped) break;
      const controller = new AbortController();
      this.#controller = controller;
      try {
        // A provider that ignores its signal must not keep refresh() pending after stop().
        const token = await Promise.race([
          this.#settings.attempt(reason, controller.signal),
          aborted(controller.signal),
        ]);
        if (!this.#stopped) return token;
      } catch (error) {
        if (this.#stopped) break;
        const retryInMs = backoffDelayMs(attempt, this.#settings.baseDelayMs, this.#settings.maxDelayMs);
        this.#settings.onFailure(error, { attempt, retryInMs });
        await this.#pause(retryInMs);
      }
    }
    throw new AccessTokenError('destroyed');
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
