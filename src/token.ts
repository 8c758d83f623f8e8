import { jwtDecode } from 'jwt-decode';
import { AccessTokenError, attachFindings } from './errors';
import type { AccessTokenErrorFacts } from './errors';
import { describeInput, invalidArgument, readOptions } from './input';

export { describeInput } from './input';

/**
 * The name of a grant, as it appears as a key of the token's `grants` claim.
 *
 * `chat` is Conversations (and Programmable Chat), `data_sync` is Sync, `voice` is the Voice SDK,
 * `video` is Video, `player` is Twilio Live; `identity` is the user's identity.
 */
export type GrantName =
  'identity' | 'chat' | 'ip_messaging' | 'data_sync' | 'voice' | 'video' | 'player' | (string & {});

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

/** The longest lifetime the platform accepts, in seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** How far in the future `nbf` may be before the token counts as not yet valid, in milliseconds. */
export const NOT_BEFORE_TOLERANCE_MS = 60_000;
/**
 * The longest token string accepted, in characters (16 KiB); a longer one is refused as `too-long`
 * before it is decoded.
 *
 * Real access tokens are 0.4 to 2 kB, even with every grant; 16 KiB is eight times the largest.
 * It is also what a token can be at most to be sent at all: Node's HTTP server refuses request
 * headers over 16 KiB in all (`--max-http-header-size`), and nginx's default header buffers are
 * 8 kB. Refusing first bounds the work: decoding a 10 MB string blocks the page for seconds.
 * @example if (text.length > MAX_TOKEN_LENGTH) showError('That is not a token.');
 */
export const MAX_TOKEN_LENGTH = 16_384;

// Exported for access-manager/inspect, which checks the same things without stopping at the first.
/** @internal */
export const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;
/** @internal */
export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
/** @internal */
export const BASE64URL_PART = /^[\w-]+$/;
/** @internal */
export const EXPECTED_HEADER = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' } as const;
// An exp above this is a date past the year 5000 in seconds: it was written in milliseconds.
/** @internal */
export const EXP_IN_MS_THRESHOLD = 1e11;

/** @internal Whether `value` is a plain JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isDate = (value: unknown): value is Date => value instanceof Date;

/** @internal Whether `value` is a finite number, as JWT times must be. */
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * @internal Decodes the header or the payload of a JWT with `jwt-decode`, without throwing.
 * @returns the decoded object, or `undefined` when the part is missing or not base64url JSON of an
 *   object. jwt-decode's messages can quote the decoded text, so none is passed on.
 * @example readPart(token, 'payload')?.exp
 */
export function readPart(token: string, part: 'header' | 'payload'): Record<string, unknown> | undefined {
  try {
    const decoded: unknown = jwtDecode(token, { header: part === 'header' });
    return isRecord(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

function decodePart(token: string, part: 'header' | 'payload'): Record<string, unknown> {
  const decoded = readPart(token, part);
  if (!decoded) throw new AccessTokenError('undecodable', { field: part });
  return decoded;
}

/**
 * @internal The facts of an `invalid-header` error for each header field that is not as expected,
 * in the order the core checks them. Shared with access-manager/inspect, so both word it alike.
 */
export function headerFaults(header: Record<string, unknown>): AccessTokenErrorFacts[] {
  const faults: AccessTokenErrorFacts[] = [];
  for (const field of ['typ', 'alg', 'cty'] as const) {
    const actual = header[field];
    if (actual !== EXPECTED_HEADER[field]) {
      faults.push({
        field,
        expected: JSON.stringify(EXPECTED_HEADER[field]),
        actual:
          typeof actual === 'string'
            ? JSON.stringify(actual.slice(0, 32))
            : actual === undefined
              ? 'missing'
              : `a ${typeof actual}`,
      });
    }
  }
  return faults;
}

/** @internal Describes a SID claim by its prefix and length, without printing it whole. */
export function describeSid(value: unknown): string {
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
export function guessLifetimeUnitMistake(
  exp: number,
  lifetimeSeconds: number,
): 'exp-in-ms' | 'ttl-in-ms' | undefined {
  if (exp > EXP_IN_MS_THRESHOLD) return 'exp-in-ms';
  // A ttl given in milliseconds is a whole number of seconds times 1000 (3_600_000 for an hour);
  // a lifetime like 172800 (48 h in seconds) is a lifetime too long, not a unit mistake.
  const asSeconds = lifetimeSeconds / 1000;
  if (lifetimeSeconds % 1000 === 0 && asSeconds >= 60 && asSeconds <= MAX_TOKEN_LIFETIME_SECONDS) {
    return 'ttl-in-ms';
  }
  return undefined;
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
  if (!isFiniteNumber(nowMs)) throw invalidArgument('nowMs', 'milliseconds since the epoch', nowMs);
  const issuedAtMs = issuedAt?.getTime() ?? -Infinity;
  const skewMs = Math.max(0, issuedAtMs - nowMs);
  const serverNowMs = nowMs + skewMs;
  const expiresAtMs = expires.getTime();
  if (expiresAtMs <= serverNowMs) {
    throw new AccessTokenError('expired', { atMs: expiresAtMs, nowMs: serverNowMs });
  }
  const notBeforeMs = notBefore?.getTime();
  if (notBeforeMs !== undefined && notBeforeMs > serverNowMs + NOT_BEFORE_TOLERANCE_MS) {
    throw new AccessTokenError('not-yet-valid', { atMs: notBeforeMs, nowMs: serverNowMs });
  }
  return skewMs;
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
  if (nowMs !== undefined && nowMs !== false && !isFiniteNumber(nowMs)) {
    throw invalidArgument('options.nowMs', 'milliseconds since the epoch, or false', nowMs);
  }
  const read: DecodeAccessTokenOptions = nowMs === undefined ? {} : { nowMs };
  try {
    return decodeWithoutFindings(token, read);
  } catch (error) {
    throw attachFindings(error, token, nowMs);
  }
}

/** @internal {@link decodeAccessToken} without the inspector's findings, for the inspector itself. */
export function decodeWithoutFindings(
  token: unknown,
  options: DecodeAccessTokenOptions = {},
): DecodedAccessToken {
  if (typeof token !== 'string') {
    throw new AccessTokenError('not-a-string', { received: describeInput(token) });
  }
  if (token === '') throw new AccessTokenError('empty');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new AccessTokenError('too-long', {
      actual: String(token.length),
      expected: String(MAX_TOKEN_LENGTH),
    });
  }
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL_PART.test(part))) {
    throw new AccessTokenError('malformed', { received: describeInput(token) });
  }
  const header = decodePart(token, 'header');
  const payload = decodePart(token, 'payload');
  const [headerFault] = headerFaults(header);
  if (headerFault) throw new AccessTokenError('invalid-header', headerFault);
  if (typeof payload.iss !== 'string' || !API_KEY_SID.test(payload.iss)) {
    throw new AccessTokenError('invalid-issuer', { actual: describeSid(payload.iss) });
  }
  if (typeof payload.sub !== 'string' || !ACCOUNT_SID.test(payload.sub)) {
    throw new AccessTokenError('invalid-subject', { actual: describeSid(payload.sub) });
  }
  const { exp, grants } = payload;
  if (!isFiniteNumber(exp)) {
    throw new AccessTokenError('invalid-expiry', {
      actual: exp === undefined ? 'missing' : `a ${typeof exp}`,
    });
  }
  const grantNames = isRecord(grants) ? Object.keys(grants).filter((name) => name !== 'identity') : [];
  if (!isRecord(grants) || grantNames.length === 0) throw new AccessTokenError('missing-grants');
  const iat = isFiniteNumber(payload.iat) ? payload.iat : undefined;
  const nbf = isFiniteNumber(payload.nbf) ? payload.nbf : undefined;
  // Without iat or nbf, only an exp in milliseconds can be told apart: judge it against now.
  const nowSeconds = Math.floor((typeof options.nowMs === 'number' ? options.nowMs : Date.now()) / 1000);
  const startSeconds = iat ?? nbf ?? (exp > EXP_IN_MS_THRESHOLD ? nowSeconds : undefined);
  if (startSeconds !== undefined && exp - startSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    const seconds = exp - startSeconds;
    throw new AccessTokenError('ttl-too-long', { seconds, unit: guessLifetimeUnitMistake(exp, seconds) });
  }
  const decoded: DecodedAccessToken = {
    header: header as AccessTokenHeader,
    payload: payload as AccessTokenPayload,
    identity: typeof grants.identity === 'string' ? grants.identity : null,
    accountSid: payload.sub,
    apiKeySid: payload.iss,
    issuedAt: iat === undefined ? null : new Date(iat * 1000),
    notBefore: nbf === undefined ? null : new Date(nbf * 1000),
    expires: new Date(exp * 1000),
    grantNames,
  };
  const { nowMs = Date.now() } = options;
  if (nowMs !== false) checkAccessTokenTimes(decoded, nowMs);
  return decoded;
}
