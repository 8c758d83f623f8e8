import { timerDelayMs, type Clock } from './clock';
import { AccessTokenError } from './errors';

/**
 * Waits `ms` on `clock`, or until `signal` aborts, whichever comes first; it never rejects. An
 * abort clears the timer synchronously (abort listeners run inside `abort()`), so after
 * `destroy()` returns no timer of a wait is left, even before the promise settles.
 *
 * Every wait of the core goes through here: the retry delay and the offline pause of a refresh,
 * the time limit of one refresh attempt, the time limit of one push to the clients, and (through
 * the tab-sharing host) a tab waiting for its peers.
 *
 * @param clock - where the timer comes from.
 * @param ms - how long to wait, in milliseconds.
 * @param signal - ends the wait early.
 * @returns whether the time ran out (`false` when `signal` ended it).
 */
export function wait(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve(true);
    }, timerDelayMs(ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A promise that rejects with `destroyed` when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<never> {
  if (signal.aborted) return Promise.reject(new AccessTokenError('destroyed'));
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new AccessTokenError('destroyed')), { once: true });
  });
}
