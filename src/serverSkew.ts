/**
 * How far the token server's clock runs ahead of the local one, learned from token to token.
 *
 * Each token shows a lower bound: its iat less the local time when it arrives (0 when that is
 * negative: an older iat may be a cached token, not a slow clock). A token is never judged by less
 * than its own bound. A token the server cached is older than it looks, so its bound is short by
 * its age: one cached token must not make the manager forget what the tokens before it showed, or
 * it holds that token past its exp by the server's clock. A server whose clock is set back makes
 * what was learned too large, and its good tokens look due on arrival. The two look alike on one
 * token, so a learned skew that finds a token due on arrival (and the token's own bound does not)
 * is checked: the token is due at once, which asks the provider (or warns) once more. Only a
 * second token in a row that the learned skew finds due proves the clock was set back: that one
 * is judged by the largest recent bound that does not make it due, and nothing loops.
 */

/** What is known of the server's clock after a token. */
export interface ServerSkew {
  /** The skew the token's moments are judged by, in milliseconds (0 or more). */
  skewMs: number;
  /** The skew the next token starts from, in milliseconds: what was learned so far. */
  learnedMs: number;
  /** The bounds the last {@link RECENT_TOKENS} tokens showed, oldest first. */
  boundsMs: number[];
  /**
   * The learned skew found this token due on arrival, and its own bound did not: it is in doubt,
   * and the token is due at once (its successor asked, or its warning fired, right away).
   */
  doubted?: true;
}

/** How many tokens' bounds are kept, to fall back on after the server's clock is set back. */
const RECENT_TOKENS = 8;

/**
 * The skew to judge a new token by: what was learned (or the token's own bound, if larger), unless
 * that makes the token due at once. A token due by its own bound (it lives less than the warning)
 * is judged by that bound. Otherwise the learned skew is in doubt: the token is judged by the
 * largest recent bound, never below its own, that does not make it due, and it is due at once the
 * first time (`doubted`); a second such token in a row proves the server's clock was set back,
 * and that estimate becomes what is learned.
 *
 * @param boundMs - the new token's own bound (its iat less the local time, 0 or more).
 * @param held - what the token held knew, or `null` for the first token.
 * @param isDue - whether the new token's refresh would be due at once if judged by a skew.
 * @returns what the new token knows: the skew it is judged by, what was learned, the recent bounds.
 * @example learnServerSkew(0, { skewMs: 3_600_000, learnedMs: 3_600_000, boundsMs: [3_600_000] }, () => false).skewMs // 3_600_000
 */
export function learnServerSkew(
  boundMs: number,
  held: ServerSkew | null,
  isDue: (skewMs: number) => boolean,
): ServerSkew {
  const boundsMs = [...(held?.boundsMs ?? []), boundMs].slice(-RECENT_TOKENS);
  const learnedMs = Math.max(held?.learnedMs ?? 0, boundMs);
  if (!isDue(learnedMs)) return { skewMs: learnedMs, learnedMs, boundsMs };
  if (isDue(boundMs)) return { skewMs: boundMs, learnedMs, boundsMs };
  // A larger skew makes the token due sooner, and its own bound does not: one is found.
  const skewMs = Math.max(...boundsMs.filter((ms) => ms >= boundMs && !isDue(ms)));
  return held?.doubted
    ? { skewMs, learnedMs: skewMs, boundsMs }
    : { skewMs, learnedMs, boundsMs, doubted: true };
}
