import { jwtDecode } from 'jwt-decode';
import { AccessTokenError, attachFindings } from './errors';
import type { AccessTokenErrorFacts, AccessTokenErrorReason } from './errors';
import type { GrantName } from './grants';
import { describeInput, invalidArgument, readOptions } from './input';
import { printable } from './printable';
import {
  isSid,
  isTtlInMilliseconds,
  MAX_TOKEN_LENGTH,
  MAX_TOKEN_LIFETIME_SECONDS,
  NOT_BEFORE_TOLERANCE_MS,
} from './rules';

export { describeInput } from './input';

/** The token's `grants` claim: the identity, and one entry per product the token authorizes. */
export interface AccessTokenGrants {
  /** The user's identity, shared by every SDK that takes the token. */
  identity?: string;
  /** Conversations / Chat: `{ service_sid, endpoint_id? }`. */
  chat?: Record<string, unknown>;
  /** Sync: `{ service_sid, endpoint_id? }`. */
  data_sync?: Record<string, unknown>;
  /** Voice: `{ incoming: { allow }, outgoing: { application_sid, params } }`. */
  voice?: Record<string, unknown>;
  /** Video: `{ room? }`. */
  video?: Record<string, unknown>;
  [grant: string]: unknown;
}

/** The decoded JOSE header of a Twilio access token. */
export interface AccessTokenHeader {
  /** Always `"JWT"`. */
  typ: string;
  /** Always `"HS256"`. */
  alg: string;
  /** Always `"twilio-fpa;v=1"`. */
  cty: string;
  /** The Twilio region the token is meant for, when set (Voice). */
  twr?: string;
  [field: string]: unknown;
}

/** The decoded claims of a Twilio access token. Times are in seconds since the epoch. */
export interface AccessTokenPayload {
  /** Unique token id: the API key SID, a dash, and a unique string. */
  jti?: string;
  /** The API key SID (`SK…`) whose secret signed the token. */
  iss: string;
  /** The Account SID (`AC…`) the token is scoped to. */
  sub: string;
  /** Issued at, in seconds. */
  iat?: number;
  /** Not valid before, in seconds. */
  nbf?: number;
  /** Expires at, in seconds. */
  exp: number;
  /** What the token authorizes. */
  grants: AccessTokenGrants;
  [claim: string]: unknown;
}

/** A validated token, decoded, with its times as dates. */
export interface DecodedAccessToken {
  /** The JOSE header. */
  header: AccessTokenHeader;
  /** The claims. */
  payload: AccessTokenPayload;
  /** `grants.identity`, or `null` when the token has none. */
  identity: string | null;
  /** The Account SID (`sub`). */
  accountSid: string;
  /** The API key SID (`iss`). */
  apiKeySid: string;
  /** `iat` as a date, or `null`. */
  issuedAt: Date | null;
  /** `nbf` as a date, or `null`. */
  notBefore: Date | null;
  /** `exp` as a date. */
  expires: Date;
  /** The product grants the token carries (every key of `grants` but `identity`). */
  grantNames: GrantName[];
}

/** Options of {@link decodeAccessToken}. */
export interface DecodeAccessTokenOptions {
  /**
   * The local time to judge `exp` and `nbf` against, in milliseconds since the epoch, or `false`
   * to skip the time checks.
   * @default Date.now()
   */
  nowMs?: number | false;
}

const BASE64URL_PART = /^[\w-]+$/;
const EXPECTED_HEADER = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' } as const;
// An exp above this is a date past the year 5000 in seconds: it was written in milliseconds.
const EXP_IN_MS_THRESHOLD = 1e11;
// The farthest a Date reaches either side of 1970 (8.64e15 ms), in seconds: beyond it, a time is NaN.
const MAX_DATE_SECONDS = 8.64e12;

/** @internal Whether `value` is a plain JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/** A JWT time claim, in seconds, when it is a finite number; `null` otherwise. */
const secondsOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Decodes the header or the payload of a JWT with `jwt-decode`, without throwing: each part on
 * its own, so a token with a damaged part still shows what the other holds. jwt-decode's messages
 * can quote the decoded text, so none is passed on.
 * @returns the decoded object, or `null` when the part is not base64url JSON of an object.
 */
function readPart(token: string, header: boolean): Record<string, unknown> | null {
  try {
    const decoded: unknown = jwtDecode(token, { header });
    return isRecord(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

/** Describes a SID claim by its prefix and length, without printing it whole. */
function describeSid(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'missing' : `a ${typeof value}`;
  return `"${value.slice(0, 2)}…" (${value.length} characters)`;
}

/**
 * Finds the unit mistake behind a lifetime over 24 hours, if it looks like one.
 *
 * @param exp - the exp claim, in what should be seconds.
 * @param lifetimeSeconds - exp minus the start (iat or nbf).
 * @returns `'exp-in-ms'`, `'ttl-in-ms'`, or `undefined` when no unit mistake is apparent.
 */
function guessLifetimeUnitMistake(
  exp: number,
  lifetimeSeconds: number,
): 'exp-in-ms' | 'ttl-in-ms' | undefined {
  if (exp > EXP_IN_MS_THRESHOLD) return 'exp-in-ms';
  return isTtlInMilliseconds(lifetimeSeconds) ? 'ttl-in-ms' : undefined;
}

/** The dates {@link checkAccessTokenTimes} reads, or `invalid-argument` when they are not dates. */
function readTimes(decoded: unknown): Pick<DecodedAccessToken, 'issuedAt' | 'notBefore' | 'expires'> {
  try {
    const { issuedAt = null, notBefore = null, expires } = decoded as DecodedAccessToken;
    if (isDate(expires) && [issuedAt, notBefore].every((date) => date === null || isDate(date))) {
      return { issuedAt, notBefore, expires };
    }
  } catch {
    // null, undefined, a revoked Proxy or a throwing getter: refused below.
  }
  throw invalidArgument('decoded', 'a token from decodeAccessToken', decoded);
}

/**
 * @internal Receives each fault {@link checkToken} finds. {@link decodeAccessToken}'s throws it as
 * an {@link AccessTokenError}, so the checks stop at the first; `access-token-manager/inspect`'s
 * collects it and the checks go on.
 */
export type FaultSink = (reason: AccessTokenErrorReason, facts?: AccessTokenErrorFacts) => void;

/** @internal What {@link checkToken} could read of a token, whatever faults it found. */
export interface TokenReading {
  /** The decoded header, or `null` when it does not decode. */
  header: Record<string, unknown> | null;
  /** The decoded payload, or `null` when it does not decode. */
  payload: Record<string, unknown> | null;
  /** `iat`, in seconds, or `null` when it is not a finite number. */
  iat: number | null;
  /** `nbf`, in seconds, or `null` when it is not a finite number. */
  nbf: number | null;
  /** `exp`, in seconds, or `null` when it is not a finite number. */
  exp: number | null;
  /** `exp` minus the start the lifetime check used (iat, else nbf), in seconds, or `null`. */
  lifetimeSeconds: number | null;
  /** How far the token server's clock is ahead of the one checked against, in milliseconds (0 or more). */
  skewMs: number;
}

const NOTHING_READ: TokenReading = {
  header: null,
  payload: null,
  iat: null,
  nbf: null,
  exp: null,
  lifetimeSeconds: null,
  skewMs: 0,
};

const throwFault: FaultSink = (reason, facts) => {
  throw new AccessTokenError(reason, facts);
};

/** Checks `exp` and `nbf` against a clock, in server time; returns the estimated skew. */
function checkTimesAt(
  issuedAtMs: number | undefined,
  notBeforeMs: number | undefined,
  expiresAtMs: number | undefined,
  nowMs: number,
  fault: FaultSink,
): number {
  // An iat later than the local clock proves the clock is behind by at least that much.
  const skewMs = Math.max(0, (issuedAtMs ?? -Infinity) - nowMs);
  const serverNowMs = nowMs + skewMs;
  if (expiresAtMs !== undefined && expiresAtMs <= serverNowMs) {
    fault('expired', { atMs: expiresAtMs, nowMs: serverNowMs });
  }
  if (notBeforeMs !== undefined && notBeforeMs > serverNowMs + NOT_BEFORE_TOLERANCE_MS) {
    fault('not-yet-valid', { atMs: notBeforeMs, nowMs: serverNowMs });
  }
  return skewMs;
}

const inMs = (seconds: number | null): number | undefined => (seconds === null ? undefined : seconds * 1000);

/** The checks of the header's fields, in order: each field that is not as Twilio writes it. */
function checkHeader(header: Record<string, unknown>, fault: FaultSink): void {
  for (const field of ['typ', 'alg', 'cty'] as const) {
    const actual = header[field];
    if (actual === EXPECTED_HEADER[field]) continue;
    // Quoted only if it could not be a secret or a token (a header is whatever its maker wrote).
    const shown = typeof actual === 'string' ? printable(actual.slice(0, 32)) : undefined;
    fault('invalid-header', {
      field,
      expected: JSON.stringify(EXPECTED_HEADER[field]),
      actual:
        shown !== undefined
          ? JSON.stringify(shown)
          : typeof actual === 'string'
            ? describeInput(actual)
            : actual === undefined
              ? 'missing'
              : `a ${typeof actual}`,
    });
  }
}

/** The checks of the payload's claims and times, in the order {@link checkToken} documents. */
function checkPayload(payload: Record<string, unknown>, nowMs: number | false, fault: FaultSink) {
  const { iss, sub, grants } = payload;
  if (!isSid(iss, 'SK')) fault('invalid-issuer', { actual: describeSid(iss) });
  if (!isSid(sub, 'AC')) {
    fault('invalid-subject', { actual: describeSid(sub) });
  }
  const [iat, nbf, exp] = [secondsOf(payload.iat), secondsOf(payload.nbf), secondsOf(payload.exp)];
  if (exp === null) {
    fault('invalid-expiry', { actual: payload.exp === undefined ? 'missing' : `a ${typeof payload.exp}` });
  }
  if (!isRecord(grants) || !Object.keys(grants).some((name) => name !== 'identity')) fault('missing-grants');
  // Without iat or nbf, only an exp in milliseconds can be told apart: judge it against now.
  const nowSeconds = Math.floor((nowMs === false ? Date.now() : nowMs) / 1000);
  const startSeconds = iat ?? nbf ?? (exp !== null && exp > EXP_IN_MS_THRESHOLD ? nowSeconds : null);
  const lifetimeSeconds = exp === null || startSeconds === null ? null : exp - startSeconds;
  if (exp !== null && lifetimeSeconds !== null && lifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    const unit = guessLifetimeUnitMistake(exp, lifetimeSeconds);
    fault('ttl-too-long', { seconds: lifetimeSeconds, unit });
  }
  const skewMs = nowMs === false ? 0 : checkTimesAt(inMs(iat), inMs(nbf), inMs(exp), nowMs, fault);
  // A time no Date holds is NaN as a date, and every comparison with NaN is false: such a token
  // would be held and never refreshed. Refused whatever the clock (after the checks above, so a
  // clock given keeps their reason: exp -1e13 is expired, 1e308 too long).
  for (const [field, seconds] of Object.entries({ iat, nbf, exp })) {
    // A claim that is missing (null) counts as 0 here; the others are finite numbers.
    if (Math.abs(seconds as number) > MAX_DATE_SECONDS) {
      fault('invalid-expiry', { field, actual: String(seconds) });
    }
  }
  return { iat, nbf, exp, lifetimeSeconds, skewMs };
}

/**
 * @internal Runs every check of {@link decodeAccessToken} on `input` and tells `fault` about each
 * problem, in this order: not a string, empty, malformed, header or payload undecodable, each
 * header field, iss, sub, exp, grants, lifetime, expiry, nbf (these two unless `nowMs` is
 * `false`), then any time claim no Date can hold. With a `fault` that throws, the checks stop at the first problem; with one that
 * returns, they go on wherever a later check can still be made (each part that decodes is
 * checked), which is how `access-token-manager/inspect` lists every problem in the core's own words.
 *
 * @param input - what was passed as a token.
 * @param nowMs - the local time to judge the times against, or `false` to skip those checks.
 * @param fault - receives each problem.
 * @returns what could be read of the token.
 */
export function checkToken(input: unknown, nowMs: number | false, fault: FaultSink): TokenReading {
  if (typeof input !== 'string') {
    fault('not-a-string', { received: describeInput(input) });
    return NOTHING_READ;
  }
  if (input === '') {
    fault('empty');
    return NOTHING_READ;
  }
  // Refused before it is split or decoded: decoding megabytes blocks the page for seconds.
  if (input.length > MAX_TOKEN_LENGTH) {
    fault('too-long', { actual: String(input.length), expected: String(MAX_TOKEN_LENGTH) });
    return NOTHING_READ;
  }
  const parts = input.split('.');
  const malformed = parts.length !== 3 || !parts.every((part) => BASE64URL_PART.test(part));
  if (malformed) fault('malformed', { received: describeInput(input) });
  // A token cut short (no signature) or with a damaged part still shows what its other parts hold.
  const read = (index: number): Record<string, unknown> | null => {
    const part = parts[index] ?? '';
    return parts.length >= 2 && BASE64URL_PART.test(part) ? readPart(input, index === 0) : null;
  };
  const [header, payload] = [read(0), read(1)];
  if (malformed && header === null && payload === null) return NOTHING_READ;
  if (header === null) fault('undecodable', { field: 'header' });
  if (payload === null) fault('undecodable', { field: 'payload' });
  if (header !== null) checkHeader(header, fault);
  if (payload === null) return { ...NOTHING_READ, header };
  return { header, payload, ...checkPayload(payload, nowMs, fault) };
}

/**
 * Checks a decoded token's times against a clock, in server time.
 *
 * When `iat` is later than the local clock, the local clock is behind the server by at least that
 * much, so `iat` stands in for now. An older `iat` proves nothing (the token may have been cached).
 *
 * @param decoded - a token from {@link decodeAccessToken}.
 * @param nowMs - the local time, in milliseconds since the epoch.
 * @returns the estimated clock skew in milliseconds (server minus local; 0 or more).
 * @throws {@link AccessTokenError} `expired` (20104) or `not-yet-valid` (20105); `invalid-argument`
 *   when `decoded` is not a token from {@link decodeAccessToken} or `nowMs` is not a finite number.
 * @example const skewMs = checkAccessTokenTimes(decoded, Date.now());
 */
export function checkAccessTokenTimes(decoded: DecodedAccessToken, nowMs: number): number {
  const { issuedAt, notBefore, expires } = readTimes(decoded);
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw invalidArgument('nowMs', 'milliseconds since the epoch', nowMs);
  }
  return checkTimesAt(issuedAt?.getTime(), notBefore?.getTime(), expires.getTime(), nowMs, throwFault);
}

/**
 * Decodes a Twilio access token and validates it: shape, header, SIDs, expiry, grants,
 * lifetime, and (unless `nowMs` is `false`) whether it is valid now. The signature is not checked:
 * only the server that holds the secret can do that.
 *
 * @param token - the JWT string, as the app's token server returned it.
 * @param options - `nowMs`: the time to judge against.
 * @returns the header, the claims, and the fields apps most need.
 * @throws {@link AccessTokenError} with the code and reason of the first fault found (a string over
 *   {@link MAX_TOKEN_LENGTH} is refused as `too-long` before it is decoded); `invalid-argument` when
 *   `options` is not an object or `nowMs` is neither a finite number nor `false`.
 * @example
 * const { identity, expires, grantNames } = decodeAccessToken(token);
 */
export function decodeAccessToken(token: unknown, options?: DecodeAccessTokenOptions): DecodedAccessToken {
  // Read once, here: an option of the wrong type is the caller's mistake, never a token's.
  const { nowMs } = readOptions('options', options);
  if (nowMs !== undefined && nowMs !== false && (typeof nowMs !== 'number' || !Number.isFinite(nowMs))) {
    throw invalidArgument('options.nowMs', 'milliseconds since the epoch, or false', nowMs);
  }
  try {
    return readAccessToken(token, nowMs ?? Date.now()).decoded;
  } catch (error) {
    throw attachFindings(error, token, nowMs);
  }
}

/**
 * @internal {@link decodeAccessToken} without the inspector's findings, with the skew the token
 * shows: the manager adds the findings itself, once it knows the time it judges by. Every path
 * that takes a token (the manager's constructor, `updateToken`, a provider's answer, a token from
 * another tab) comes through here, so each is refused for what `decodeAccessToken` refuses.
 *
 * @param token - what was passed as a token.
 * @param nowMs - the local time to judge the times against, or `false` to skip those checks.
 * @returns the decoded token, and how far its `iat` shows its server's clock ahead (0 or more).
 */
export function readAccessToken(
  token: unknown,
  nowMs: number | false,
): { decoded: DecodedAccessToken; skewMs: number } {
  const { header, payload, iat, nbf, exp, skewMs } = checkToken(token, nowMs, throwFault);
  // throwFault ends checkToken at the first fault: past it, what was read passed every check.
  const { grants, iss, sub } = payload as AccessTokenPayload;
  const decoded: DecodedAccessToken = {
    header: header as AccessTokenHeader,
    payload: payload as AccessTokenPayload,
    identity: typeof grants.identity === 'string' ? grants.identity : null,
    accountSid: sub,
    apiKeySid: iss,
    issuedAt: iat === null ? null : new Date(iat * 1000),
    notBefore: nbf === null ? null : new Date(nbf * 1000),
    expires: new Date((exp as number) * 1000),
    grantNames: Object.keys(grants).filter((name) => name !== 'identity'),
  };
  return { decoded, skewMs };
}
