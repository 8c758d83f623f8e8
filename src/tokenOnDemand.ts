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
   * The longest wait, in milliseconds; then it rejects with `token-timeout`.
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
  /** Starts (or joins) the one refresh; `null` without a provider. */
  refresh(): Promise<string> | null;
}

/**
 * The held token if it is valid for `minValidityMs` more; else the first one that is, refreshed
 * through the provider (one flight shared with every other trigger) or given by the app.
 *
 * @returns the token.
 * @throws the error of the snapshot's next change that brings none (a failed attempt's, a
 *   refusal's, `session-ended`, `signed-out`, `destroyed`), `token-too-short` when even a fresh
 *   token lives less than asked, `token-timeout` after `timeoutMs`, or `signal.reason`.
 */
export function tokenOnDemand(
  host: OnDemandHost,
  minValidityMs: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    // Aborted once settled: it clears the time limit's timer and every listener of the wait.
    const over = new AbortController();
    const ended = over.signal;
    /** Settles with the held token if it is good enough, else with `error` if there is one. */
    const look = (error?: unknown): void => {
      const held = host.held();
      const nowMs = host.clock.now();
      // Not one due by a server's word (an SDK's server said it expires or refused it, or the
      // learned server clock doubts it, see serverSkew.ts): its exp here cannot be trusted.
      const good =
        held && nowMs < (held.serverSaidDueAtMs ?? Infinity) && held.expiresAtMs - nowMs >= minValidityMs;
      if (ended.aborted || (!good && !error)) return;
      over.abort();
      if (good) resolve(held.token);
      else reject(error as Error);
    };
    // Each change of the snapshot: a token (taken if it is good enough), or what went wrong (a
    // failed attempt, a refusal, the session's end, destroy()); the state it began in is waited out.
    let before: AccessTokenSnapshot | undefined;
    const unsubscribe = host.subscribe((snapshot) => {
      const { error, status } = snapshot;
      const newError = before && error !== before.error ? error : null;
      const sessionEnded = before && status === 'sessionEnded' && before.status !== status;
      before = snapshot;
      look(newError ?? (sessionEnded ? new AccessTokenError('signed-out') : undefined));
    });
    if (ended.aborted) return unsubscribe(); // the token held will do
    ended.addEventListener('abort', unsubscribe);
    if (signal?.aborted) look(signal.reason);
    signal?.addEventListener('abort', () => look(signal.reason), { signal: ended });
    void wait(host.clock, timeoutMs, ended).then(
      (ranOut) => ranOut && look(new AccessTokenError('token-timeout', { timeoutMs })),
    );
    // The refresh brought a token: if it is not good enough, the provider's tokens are too short.
    host
      .refresh()
      ?.then(() => look(new AccessTokenError('token-too-short', { timeoutMs: minValidityMs })), look);
  });
}
