import { AccessTokenError } from './errors';

/**
 * Why the token provider is asked: the first token, the warning before expiry, expiry itself,
 * the page waking from sleep, an explicit `refresh()`, or `'rejected'`: a registered SDK's server
 * refused the current token (its refresh waits a backoff that grows with each refusal in a row).
 */
export type RefreshReason = 'initial' | 'about-to-expire' | 'expired' | 'wake' | 'manual' | 'rejected';

/** What the token provider is told when it is asked for a token. */
export interface TokenProviderContext {
  /** Why a token is needed now. Retries keep the reason of the first attempt. */
  reason: RefreshReason;
  /** Aborted when the manager is destroyed: pass it to `fetch` so the request is cancelled. */
  signal: AbortSignal;
}

/**
 * The app's function that fetches a fresh token from its token server: `fromEndpoint(url)` makes
 * one. What it throws decides what happens next:
 * - an {@link AccessTokenError} with reason `'session-ended'` (`fromEndpoint` throws it for 401 and
 *   403): retrying will not help until the user signs in again. The manager stops refreshing on
 *   its own, emits one `tokenError` with that reason, keeps the token it holds until its `exp`,
 *   and starts again when the app calls `refresh()` or gives it a token;
 * - one with `facts.retryAfterMs` (`fromEndpoint` reads `Retry-After` on 429 and 503): the next
 *   attempt waits at least that long, at most `retry.maxDelayMs`;
 * - anything else: retried with backoff (`refreshFailed`).
 *
 * @example
 * const tokenProvider: TokenProvider = async ({ signal }) => {
 *   const response = await fetch('/token', { signal, cache: 'no-store' });
 *   if (response.status === 401) throw new AccessTokenError('session-ended', { status: 401 });
 *   if (!response.ok) throw new Error(`token endpoint: ${response.status}`);
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
 * The delay before retry number `attempt` after `error`: the backoff, or longer when the token
 * endpoint asked for it (`facts.retryAfterMs`, from `Retry-After`), but never over `maxDelayMs`.
 *
 * @param attempt - the attempt that just failed, from 1.
 * @param retry - the two bounds, with their defaults applied.
 * @param error - what the attempt failed with.
 * @returns the delay in milliseconds.
 * @example retryDelayMs(1, { baseDelayMs: 1_000, maxDelayMs: 30_000 }, error) // 20_000 after Retry-After: 20
 */
export function retryDelayMs(attempt: number, retry: Required<RetryOptions>, error: unknown): number {
  const askedMs = error instanceof AccessTokenError ? error.facts.retryAfterMs! : 0;
  // `> 0` also turns away what an app's own error could hold there: NaN, a string, undefined.
  return Math.max(backoffDelayMs(attempt, retry), askedMs > 0 ? Math.min(askedMs, retry.maxDelayMs) : 0);
}

/**
 * The delay before retry number `attempt`: the ceiling doubles from `baseDelayMs` up to
 * `maxDelayMs`, and the delay is drawn from its upper half, so retries keep growing while tabs and
 * devices that failed together spread out.
 *
 * @param attempt - the attempt that just failed, from 1.
 * @param retry - the two bounds, with their defaults applied.
 * @param random - a source of numbers in [0, 1).
 * @returns the delay in milliseconds.
 * @example backoffDelayMs(3, { baseDelayMs: 1_000, maxDelayMs: 30_000 }) // between 2_000 and 4_000
 */
export function backoffDelayMs(
  attempt: number,
  { baseDelayMs, maxDelayMs }: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const ceilingMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceilingMs / 2 + (random() * ceilingMs) / 2);
}
