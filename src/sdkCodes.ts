import type { AccessTokenErrorReason } from './errors.js';

/**
 * The token error codes an SDK's server (or Twilio's REST API) answers with, each with the platform
 * reason it means where one maps. The one table the core (an SDK's refusal, `host.rejected`), the
 * adapters and `access-token-manager/inspect` (`explainError`, which adds the full words) read.
 *
 * Sources, cited per row: Twilio's error dictionary as the SDKs ship it
 * (`@twilio/voice-errors` dictionary.md, a dependency of `@twilio/voice-sdk`) and the SDKs' own code
 * (`@twilio/voice-sdk` lib/twilio/errors/generated.ts and device.ts; `twilsock` builds/lib.js;
 * `twilio-sync` builds/lib.js; `twilio-taskrouter` 2.1.1 dist/index.window.js, whose Worker passes
 * its server's error messages on as its `error` event, as sent, and whose own error table names
 * token faults only by `INVALID_TOKEN` and `TOKEN_EXPIRED`, without codes). Left out, as their
 * meaning for a token cannot be confirmed from that code: 31203 "No valid account" and 31209
 * "Reconnect attempt is not authorized" (Voice), 51215 "Twilsock: Unauthorized" (on twilio.com
 * only; no SDK here raises it).
 *
 * A code listed with `undefined` is a token error with no reason the browser can check (a
 * signature, say); a code not listed is not a token error.
 *
 * @example SDK_TOKEN_CODES[31205]; // 'expired'
 */
export const SDK_TOKEN_CODES: Readonly<Record<number, AccessTokenErrorReason | undefined>> = {
  // voice-errors dictionary.md "201XX: Authorization Errors"; Voice generated.ts AuthorizationErrors;
  // twilsock's tokenExpiredSasCode is 20104 (a 401/403 reply with it emits tokenExpired); a
  // TaskRouter Worker's `error` with one of them is its server refusing the token (sdks/taskRouter.ts).
  20101: 'malformed', // Invalid access token
  20102: 'invalid-header', // Invalid access token header
  20103: 'invalid-issuer', // Invalid access token issuer/subject
  20104: 'expired', // Access token expired or expiration date invalid
  20105: 'not-yet-valid', // Access token not yet valid
  20106: 'missing-grants', // Invalid access token grants
  20107: undefined, // Invalid access token signature
  20151: undefined, // Authentication Failed: "The Authentication with the provided JWT failed"
  20157: 'ttl-too-long', // Expiration Time Exceeds Maximum Time Allowed
  // Voice generated.ts MalformedRequestErrors.AuthorizationTokenMissingError.
  31102: 'empty', // Authorization token missing in request
  // Voice generated.ts AuthorizationErrors and SignatureValidationErrors; device.ts raises 31201 as
  // 20151, 31204 as 20101 and 31205 as 20104.
  31201: undefined, // Authorization error (the Device reports it as AuthenticationFailed 20151)
  31202: undefined, // Signature validation failed
  31204: 'malformed', // Invalid JWT token
  31205: 'expired', // JWT token expired
  31207: 'ttl-too-long', // JWT token expiration too long
  // voice-errors dictionary.md "510XX": AccessTokenRejected.
  51007: undefined, // Token authentication is rejected by authentication service
  // twilio-sync lib.js SyncClient.updateToken: a 401 UNAUTHORIZED reply from Twilsock.
  51130: undefined, // Updated token was rejected by server (SyncError, status 400)
};
