/**
 * How far the token server's clock runs ahead of the local one, learned from token to token.
 *
 * Each token shows a lower bound: its iat less the local time when it arrives (0 when that is
 * negative: an older iat may be a cached token, not a slow clock). A token the server cached is
 * older than it looks, so its bound is short by its age: one cached token must not make the
 * manager forget what the tokens before it showed, or it holds that token past its exp by the
 * server's clock. A server whose clock is set back makes what was learned too large, and then
 * its good tokens would look due on arrival (a refresh loop): a token that would look due under
 * an estimate proves that estimate wrong.
 */

/** What is known of the server's clock after a token. */
export interface ServerSkew {
  /** The skew the token is judged by, in milliseconds (0 or more); the next token starts from it. */
  skewMs: number;
  /** The bounds the last {@link RECENT_TOKENS} tokens showed, oldest first. */
  boundsMs: number[];
}

/** How many tokens' bounds are kept, to fall back on after the server's clock is set back. */
const RECENT_TOKENS = 8;

/**
 * The skew to judge a new token by: the largest estimate that does not make it already due.
 * First what was learned (or the token's own bound, if larger): a cached token changes nothing.
 * When that makes the token due, the server's clock was set back: then the largest bound a
 * recent token showed that does not (a token minted since the clock was set shows the true one,
 * and a larger estimate that leaves the token not due only makes its refresh early); else the
 * token's own bound.
 *
 * @param boundMs - the new token's own bound (its iat less the local time, 0 or more).
 * @param held - what the token held knew, or `null` for the first token.
 * @param isDue - whether the new token's refresh would be due at once if judged by a skew.
 * @returns what the new token knows: the skew it is judged by, and the recent bounds.
 * @example learnServerSkew(50 * 60_000, { skewMs: 3_600_000, boundsMs: [3_600_000] }, () => false).skewMs // 3_600_000
 */
export function learnServerSkew(
  boundMs: number,
  held: ServerSkew | null,
  isDue: (skewMs: number) => boolean,
): ServerSkew {
  const boundsMs = [...(held?.boundsMs ?? []), boundMs].slice(-RECENT_TOKENS);
  const candidatesMs = [Math.max(held?.skewMs ?? 0, boundMs), ...[...boundsMs].sort((a, b) => b - a)];
  return { skewMs: candidatesMs.find((skewMs) => !isDue(skewMs)) ?? boundMs, boundsMs };
}
