import type { AccessTokenErrorReason } from './errors.js';

/**
 * The token error codes an SDK's server (or Twilio's REST API) answers with, each with the platform
 * reason it means where one maps. The one table the core (an SDK's refusal, `host.rejected`), the
 * adapters and `access-token-manager/inspect` (`explainError`, which adds the full words) read.
 *
 * Sources: Twilio's published error dictionary (www.twilio.com/docs/api/errors/NNNNN) and the
 * SDKs' shipped code (`@twilio/voice-sdk` lib/twilio/errors/generated.ts; `twilsock`'s
 * `tokenExpiredSasCode` 20104).
 *
 * A code listed with `undefined` is a token error with no reason the browser can check (a
 * signature, say); a code not listed is not a token error.
 *
 * @example SDK_TOKEN_CODES[31205]; // 'expired'
 */
export const SDK_TOKEN_CODES: Readonly<Record<number, AccessTokenErrorReason | undefined>> = {
  20101: 'malformed', // Invalid Access Token
  20102: 'invalid-header', // Invalid Access Token header
  20103: 'invalid-issuer', // Invalid Access Token issuer/subject
  20104: 'expired', // Access Token expired or expiration date invalid
  20105: 'not-yet-valid', // Access Token not yet valid
  20106: 'missing-grants', // Invalid Access Token grants
  20107: undefined, // Invalid Access Token signature
  20157: 'ttl-too-long', // Expiration Time Exceeds Maximum Time Allowed
  31202: undefined, // Voice: JWT signature validation failed
  31204: 'malformed', // Voice: JWT token is invalid
  31205: 'expired', // Voice: JWT token expired
  31207: 'ttl-too-long', // Voice: JWT token expiration too long
};

/**
 * Whether a fresh token from the same server can cure a refusal with this reason: a token refused
 * for its times (a clock skew the token did not show) is fixed by a new one; a signature, an
 * account or a lifetime over 24 hours is not.
 *
 * @example isCuredByFreshToken('expired'); // true
 */
export const isCuredByFreshToken = (reason: AccessTokenErrorReason | undefined): boolean =>
  reason === 'expired' || reason === 'not-yet-valid';
