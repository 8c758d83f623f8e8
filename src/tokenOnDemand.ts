/**
 * `manager.getToken()`: a token valid for at least a given time, now or as soon as one comes
 * (through the provider's one refresh, or the app's `updateToken`), bounded by a time limit and
 * an optional abort signal.
 */
import type { Clock } from './clock';
import { AccessTokenError } from './errors';
import type { HeldToken } from './refresh';
import type { AccessTokenSnapshot } from './snapshot';
import { wait } from './wait';

/**
 * The options of `manager.getToken()`.
 *
 * @example
 * const token = await manager.getToken({ minValidityMs: 60_000, timeoutMs: 10_000, signal });
 */
export interface GetTokenOptions {
  /**
   * How long the token must still be valid, in server time, in milliseconds.
   * @defaultValue the manager's `aboutToExpireMs`: a token outside the warning window.
   */
  minValidityMs?: number;
  /** Gives up the wait: the promise rejects with `signal.reason` (as `fetch` does). */
  signal?: AbortSignal;
  /**
   * The longest wait, in milliseconds (`Infinity`: no limit); then it rejects with `token-timeout`.
   * @defaultValue 30000
   */
  timeoutMs?: number;
}

/** What {@link tokenOnDemand} needs from the manager. */
export interface OnDemandHost {
  readonly clock: Clock;
  /** The token held, or `null`. */
  held(): HeldToken | null;
  /** The manager's `subscribe`. */
  subscribe(run: (snapshot: AccessTokenSnapshot) => void): () => void;
  /** Calls `run` with each `refreshFailed` error until the returned function is called. */
  onRefreshFailed(run: (error: AccessTokenError) => void): () => void;
  /** Starts (or joins) the one refresh; `null` without a provider. */
  refresh(): Promise<string> | null;
}

/**
 * The held token if it is valid for `minValidityMs` more; else the first one that is, refreshed
 * through the provider (one flight shared with every other trigger) or given by the app.
 *
 * @returns the token.
 * @throws the provider's typed error (its first failed attempt's, or what ended the refresh),
 *   `token-too-short` when even a fresh token lives less than asked, `token-timeout` after
 *   `timeoutMs`, `signed-out` or `session-ended` when the session ends meanwhile, `destroyed`,
 *   or `signal.reason`.
 */
export function tokenOnDemand(
  host: OnDemandHost,
  minValidityMs: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const goodEnough = (): string | null => {
    const held = host.held();
    return held && held.expiresAtMs - host.clock.now() >= minValidityMs ? held.token : null;
  };
  const ready = goodEnough();
  if (ready !== null) return Promise.resolve(ready);
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<string>((resolve, reject) => {
    const over = new AbortController();
    let unsubscribe = (): void => {};
    let stopHearing = (): void => {};
    const settle = (settleWith: () => void): void => {
      if (over.signal.aborted) return;
      over.abort(); // clears the time limit's timer and the abort listener
      unsubscribe();
      stopHearing();
      settleWith();
    };
    const fail = (error: unknown): void => settle(() => reject(error as Error));
    const take = (token: string): void => settle(() => resolve(token));
    if (Number.isFinite(timeoutMs)) {
      void wait(host.clock, timeoutMs, over.signal).then(
        (ranOut) => ranOut && fail(new AccessTokenError('token-timeout', { timeoutMs })),
      );
    }
    signal?.addEventListener('abort', () => fail(signal.reason), { signal: over.signal });
    let first = true;
    unsubscribe = host.subscribe((snapshot) => {
      const token = goodEnough();
      if (token !== null) take(token);
      else if (snapshot.error?.reason === 'destroyed') fail(snapshot.error);
      // The session ended while this waited (the one it started in, if ended, is waited out).
      else if (!first && snapshot.status === 'sessionEnded') {
        fail(snapshot.error ?? new AccessTokenError('signed-out'));
      }
      first = false;
    });
    // A failed attempt (another tab's failure aside: this one waits for that tab's retry).
    stopHearing = host.onRefreshFailed((error) => error.reason !== 'peer-retrying' && fail(error));
    host.refresh()?.then(() => {
      const held = host.held();
      if (held && goodEnough() === null) {
        const leftMs = held.expiresAtMs - host.clock.now();
        fail(
          new AccessTokenError('token-too-short', {
            seconds: Math.floor(leftMs / 1000),
            timeoutMs: minValidityMs,
          }),
        );
      }
    }, fail);
  });
}
