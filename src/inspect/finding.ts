import { wordReason } from '../errors';
// The core's wording starts its remedies with the same words: defined once, in errors.ts.
export { ON_CLIENT, ON_SERVER } from '../errors';
import type { AccessTokenErrorFacts, AccessTokenErrorReason } from '../errors';

/**
 * How bad a finding is: `error` stops the token from working, `warning` may, `info` is worth knowing.
 * @example const blocking = findings.filter((f) => f.severity === 'error');
 */
export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * The reasons only the inspector reports: the likely cause behind a core failure, or a problem the
 * core does not refuse the token for. The core's own reasons ({@link AccessTokenErrorReason}) are
 * reported with the same code and wording as the `AccessTokenError` the core would throw.
 *
 * @example if (findings.some((f) => f.reason === 'ttl-in-ms')) console.warn('ttl is in ms');
 */
export type InspectReason =
  // What was passed instead of the bare token string.
  | 'whitespace'
  | 'quoted'
  | 'bearer-prefix'
  | 'html-instead-of-token'
  | 'json-instead-of-token'
  | 'promise-instead-of-token'
  | 'response-instead-of-token'
  | 'secret-instead-of-token'
  | 'not-an-access-token'
  // Lifetime and clock.
  | 'exp-in-ms'
  | 'ttl-in-ms'
  | 'ttl-too-short'
  | 'clock-skew'
  | 'expires-soon'
  // Key and account.
  | 'jti-mismatch'
  | 'account-sid-in-iss'
  | 'api-key-sid-in-sub'
  // Identity and grants.
  | 'no-identity'
  | 'voice-identity-characters'
  | 'voice-without-application'
  | 'grant-without-service'
  | 'video-room'
  | 'unknown-grant'
  // The inspector itself failed (a bug): never expected.
  | 'inspect-failed';

/**
 * One problem found in a token (or in what was passed as one), in words.
 *
 * @example
 * { severity: 'error', code: 20157, reason: 'ttl-in-ms',
 *   message: 'The lifetime is 3600000 s; read as milliseconds it is 1 h 0 min: ttl was given in ms.',
 *   remedy: 'On your token server, give ttl in seconds (3600), not milliseconds.' }
 */
export interface Finding {
  /** How bad it is. */
  severity: FindingSeverity;
  /** The platform error code the problem leads to (20101 to 20157), when there is one. */
  code?: number;
  /** A stable identifier of the cause: the core's reason, or one of {@link InspectReason}. */
  reason: AccessTokenErrorReason | InspectReason;
  /** The cause, in a sentence or two. Never contains the token or its signature. */
  message: string;
  /** What to change, and where: on the token server or in the client code. */
  remedy: string;
}

/**
 * A finding for one of the core's reasons, worded (in full, in every build) exactly as the
 * `AccessTokenError` the core throws for it.
 *
 * @param severity - how bad it is here.
 * @param reason - the core's reason.
 * @param facts - the same printable facts the core would give.
 * @returns the finding, with the core's code, message and remedy.
 * @example coreFinding('error', 'missing-grants') // { code: 20106, message: 'The token has no grants.', … }
 */
export function coreFinding(
  severity: FindingSeverity,
  reason: AccessTokenErrorReason,
  facts: AccessTokenErrorFacts = {},
): Finding {
  return { severity, reason, ...wordReason(reason, facts) };
}

/**
 * A finding for one of the inspector's own reasons.
 *
 * @param severity - how bad it is.
 * @param reason - why.
 * @param message - the cause, without the token.
 * @param remedy - what to change, and where.
 * @param code - the platform code it leads to, if any.
 * @returns the finding.
 * @example finding('warning', 'no-identity', 'The token has no identity.', ON_SERVER + 'pass identity.')
 */
export function finding(
  severity: FindingSeverity,
  reason: InspectReason,
  message: string,
  remedy: string,
  code?: number,
): Finding {
  return code === undefined
    ? { severity, reason, message, remedy }
    : { severity, code, reason, message, remedy };
}

/** Quotes a short, non-secret value (a header field, a grant key) for a message, cut to `max` characters. */
export const quote = (value: string, max = 32): string =>
  JSON.stringify(value.length > max ? value.slice(0, max) + '…' : value);
