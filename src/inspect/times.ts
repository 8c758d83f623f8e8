// The token's times: in words for people, and what the core does not refuse a token for (a
// lifetime under 3 min, clocks that differ, little time left), and the unit mistake behind a
// lifetime over 24 h. The core's own time checks (lifetime, expiry, nbf) run in token.ts.
import { formatDuration } from '../errors';
import type { AccessTokenErrorFacts } from '../errors';
import { MAX_TOKEN_LIFETIME_SECONDS, MIN_TOKEN_LIFETIME_SECONDS, NOT_BEFORE_TOLERANCE_MS } from '../rules';
import type { TokenReading } from '../token';
import { finding, ON_CLIENT, ON_SERVER } from './finding';
import type { Finding } from './finding';

export { MIN_TOKEN_LIFETIME_SECONDS } from '../rules';

/**
 * A token's times, in words (`issued`, `validFrom`, `expires`, `lifetime`, `left`) and as numbers.
 * A field is `null` when the token lacks the claim it comes from.
 *
 * @example
 * { issued: '2025-01-01T12:00:00Z (2 min 0 s ago)', lifetime: '1 h 0 min', left: '58 min 0 s', … }
 */
export interface AccessTokenTimes {
  /** `iat` as an ISO date, with how long ago (or, when clocks differ, in how long). */
  issued: string | null;
  /** `nbf` as an ISO date, with how long ago or in how long. */
  validFrom: string | null;
  /** `exp` as an ISO date, with in how long or how long ago. */
  expires: string | null;
  /** From `iat` (or `nbf`) to `exp`, for example `"1 h 0 min"`. */
  lifetime: string | null;
  /** Until `exp`, for example `"58 min 0 s"`, or `"none: expired 3 min 0 s ago"`. */
  left: string | null;
  /** `iat` in milliseconds since the epoch. */
  issuedAtMs: number | null;
  /** `nbf` in milliseconds since the epoch. */
  notBeforeMs: number | null;
  /** `exp` in milliseconds since the epoch. */
  expiresAtMs: number | null;
  /** `exp` minus `iat` (or `nbf`), in seconds. */
  lifetimeSeconds: number | null;
  /** `exp` minus the (skew-corrected) time of the check, in milliseconds; negative once expired. */
  leftMs: number | null;
  /** How far the token server's clock is estimated to be ahead of the clock used, in milliseconds (0 or more). */
  skewMs: number;
}

const iso = (ms: number): string => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString().replace('.000Z', 'Z');
};
const relative = (ms: number, nowMs: number): string =>
  ms > nowMs ? `in ${formatDuration(ms - nowMs)}` : `${formatDuration(nowMs - ms)} ago`;
const when = (ms: number | null, nowMs: number): string | null =>
  ms === null ? null : `${iso(ms)} (${relative(ms, nowMs)})`;

/**
 * The unit mistake behind the core's `ttl-too-long`, when its facts name one.
 *
 * @param exp - the exp claim, in what should be seconds.
 * @param facts - the facts of the core's `ttl-too-long` fault: the lifetime and the unit guessed.
 * @returns the `exp-in-ms` or `ttl-in-ms` finding, or none.
 * @example unitMistake(1_700_003_600, { seconds: 3_600_000, unit: 'ttl-in-ms' })[0]?.reason // 'ttl-in-ms'
 */
export function unitMistake(exp: unknown, { seconds = 0, unit }: AccessTokenErrorFacts): Finding[] {
  if (unit === 'exp-in-ms') {
    const year = new Date(Number(exp) * 1000).getUTCFullYear();
    const message =
      `exp is ${String(exp)}, ` +
      (Number.isNaN(year) ? 'beyond any date' : `a date in the year ${year}`) +
      ' when read as seconds: it was given in milliseconds (Date.now()).';
    const remedy =
      ON_SERVER +
      'give exp in seconds (Math.floor(Date.now() / 1000) + ttl), or let the helper set it from ttl.';
    return [finding('error', 'exp-in-ms', message, remedy, 20157)];
  }
  if (unit === 'ttl-in-ms') {
    const message =
      `The lifetime is ${seconds} s; read as milliseconds it is ${formatDuration(seconds)}: ` +
      'ttl was given in milliseconds.';
    const remedy = ON_SERVER + `give ttl in seconds (${Math.round(seconds / 1000)}), not milliseconds.`;
    return [finding('error', 'ttl-in-ms', message, remedy, 20157)];
  }
  return [];
}

function tooShort(seconds: number, startClaim: string): Finding[] {
  if (seconds > MAX_TOKEN_LIFETIME_SECONDS || seconds >= MIN_TOKEN_LIFETIME_SECONDS) return [];
  const message =
    seconds > 0
      ? `The token lives only ${formatDuration(seconds * 1000)}, under the platform's minimum of 3 min: ` +
        'SDKs report it about to expire at once.'
      : `exp is not after ${startClaim}: the token is dead on arrival.`;
  const remedy = ON_SERVER + 'give ttl of at least 180 seconds (3600 is usual).';
  return [finding('warning', 'ttl-too-short', message, remedy)];
}

function clockSkew(claim: string, aheadMs: number, nowGiven: boolean, corrected: boolean): Finding {
  const offset = formatDuration(aheadMs);
  const message = nowGiven
    ? `${claim} is ${offset} later than the time given: the token did not exist yet then, ` +
      `or the token server's clock is ${offset} fast.`
    : `${claim} is ${offset} later than this machine's clock: the token server's clock is about ` +
      `${offset} fast, or this one is that much slow.`;
  const remedy =
    "Sync both clocks with NTP: the token server's (chrony or systemd-timesyncd) and this device's." +
    (corrected ? ' Meanwhile AccessManager corrects for the offset by taking iat as the current time.' : '');
  return finding('warning', 'clock-skew', message, remedy);
}

/**
 * Puts a token's times into words and finds what the core does not refuse it for: a lifetime
 * under 3 min, a clock offset between the token server and the clock used, little time left.
 *
 * @param reading - what the core's checks read of the token (its times and the clock skew they
 *   estimated), or `undefined` when there is no token.
 * @param nowMs - the time to judge against, in milliseconds since the epoch.
 * @param nowGiven - whether `nowMs` was given rather than read from this machine's clock.
 * @returns the times and the findings about them.
 * @example describeTimes(reading, Date.now(), false).times.left // '59 min 58 s'
 */
export function describeTimes(
  reading: TokenReading | undefined,
  nowMs: number,
  nowGiven: boolean,
): { times: AccessTokenTimes; findings: Finding[] } {
  const { iat = null, nbf = null, exp = null, lifetimeSeconds = null, skewMs = 0 } = reading ?? {};
  const serverNowMs = nowMs + skewMs;
  const findings = lifetimeSeconds === null ? [] : tooShort(lifetimeSeconds, iat === null ? 'nbf' : 'iat');
  const reference = iat ?? nbf;
  if (reference !== null && reference * 1000 - nowMs > NOT_BEFORE_TOLERANCE_MS) {
    findings.push(clockSkew(iat === null ? 'nbf' : 'iat', reference * 1000 - nowMs, nowGiven, iat !== null));
  }
  const leftMs = exp === null ? null : exp * 1000 - serverNowMs;
  const aboutToExpire = leftMs !== null && leftMs > 0 && leftMs < MIN_TOKEN_LIFETIME_SECONDS * 1000;
  if (aboutToExpire && (lifetimeSeconds ?? 0) >= MIN_TOKEN_LIFETIME_SECONDS) {
    const message = `Only ${formatDuration(leftMs)} left: SDKs report a token about to expire 3 min ahead.`;
    findings.push(finding('info', 'expires-soon', message, ON_CLIENT + 'fetch a new token before using it.'));
  }
  const times: AccessTokenTimes = {
    issued: when(iat === null ? null : iat * 1000, serverNowMs),
    validFrom: when(nbf === null ? null : nbf * 1000, serverNowMs),
    expires: when(exp === null ? null : exp * 1000, serverNowMs),
    lifetime: lifetimeSeconds === null ? null : formatDuration(lifetimeSeconds * 1000),
    left:
      leftMs === null
        ? null
        : leftMs > 0
          ? formatDuration(leftMs)
          : `none: expired ${formatDuration(leftMs)} ago`,
    issuedAtMs: iat === null ? null : iat * 1000,
    notBeforeMs: nbf === null ? null : nbf * 1000,
    expiresAtMs: exp === null ? null : exp * 1000,
    lifetimeSeconds,
    leftMs,
    skewMs,
  };
  return { times, findings };
}
