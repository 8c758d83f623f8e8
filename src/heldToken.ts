/**
 * The token the manager holds, with its moments, and the rule for replacing it: a new token is
 * decoded and validated, then refused if it is for another account or identity, or stale.
 */
import { AccessTokenError, attachFindings } from './errors';
import type { HeldToken } from './refresh';
import { refreshLeadMs } from './schedule';
import { learnServerSkew, type ServerSkew } from './serverSkew';
import { checkDecodedTimes, decodeWithoutFindings, type DecodedAccessToken } from './token';

/** Everything the manager knows about the token it holds. */
export interface CurrentToken extends HeldToken {
  /** When `tokenAboutToExpire` is due, in local milliseconds since the epoch. */
  aboutToExpireAtMs: number;
  /** When it was issued, by the local clock (iat less the skew it shows itself); `NaN` without iat. */
  issuedAtMs: number;
  /** What is known of the server's clock: the skew this token is judged by (see serverSkew.ts). */
  serverSkew: ServerSkew;
  /** `tokenAboutToExpire` and `tokenWillExpire` fired (they are one moment). */
  warned: boolean;
  /** `tokenExpired` fired. */
  expiredFired: boolean;
  /** Its one automatic refresh has started (at its due moment, or when an SDK's server refused it). */
  refreshStarted: boolean;
}

/**
 * Validates `token` to replace `held`.
 *
 * Its moments are judged by the server's clock as learned from token to token (serverSkew.ts).
 * A token is stale when it was issued before the one held and expires no later: it brings
 * nothing (a cached token). Its issue is judged by the skew it shows itself, so a token from a
 * server whose clock runs an hour ahead counts as issued when it arrived: it cannot make its
 * successors from correctly set servers look older for an hour.
 *
 * @param token - the new JWT string.
 * @param held - the token held now, or `null`.
 * @param nowMs - the local time.
 * @param aboutToExpireMs - how long before exp the warning is due.
 * @returns the new token with its moments, nothing fired yet.
 * @throws {@link AccessTokenError} for a token that is invalid, expired, for another account or
 *   identity (`account-changed`, `identity-changed`), or `stale`.
 */
export function admitToken(
  token: string,
  held: CurrentToken | null,
  nowMs: number,
  aboutToExpireMs: number,
): CurrentToken {
  let decoded: DecodedAccessToken;
  let tokenSkewMs: number;
  try {
    decoded = decodeWithoutFindings(token, { nowMs: false });
    tokenSkewMs = checkDecodedTimes(decoded, nowMs);
  } catch (error) {
    // With access-token-manager/inspect loaded, the error lists every finding, judged by this clock.
    throw attachFindings(error, token, nowMs);
  }
  if (held) {
    if (decoded.accountSid !== held.decoded.accountSid) throw new AccessTokenError('account-changed');
    if (decoded.identity !== held.decoded.identity) throw new AccessTokenError('identity-changed');
  }
  const expMs = decoded.expires.getTime();
  const leadMs = refreshLeadMs(aboutToExpireMs);
  // Due: its refresh moment (exp less the lead, by the server's clock) has passed.
  const serverSkew = learnServerSkew(
    tokenSkewMs,
    held?.serverSkew ?? null,
    (skewMs) => nowMs >= expMs - skewMs - leadMs,
  );
  // The token's exp by the local clock.
  const expiresAtMs = expMs - serverSkew.skewMs;
  // By its own skew, not the learned one: a token minted now by a server whose clock was set
  // back is issued now, never before a token minted while it ran ahead (no stale refusal loop).
  const issuedAtMs = (decoded.issuedAt?.getTime() ?? NaN) - tokenSkewMs;
  if (held && issuedAtMs < held.issuedAtMs && expiresAtMs <= held.expiresAtMs) {
    throw new AccessTokenError('stale', { atMs: decoded.issuedAt!.getTime() });
  }
  return {
    token,
    decoded,
    aboutToExpireAtMs: expiresAtMs - aboutToExpireMs,
    expiresAtMs,
    issuedAtMs,
    serverSkew,
    acceptedAtMs: nowMs,
    warned: false,
    expiredFired: false,
    refreshStarted: false,
  };
}
