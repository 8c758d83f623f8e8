// The likely causes behind the core's faults of header and claims (a JWT of another kind, SIDs
// in the wrong place) and the key id the core does not check. The faults themselves come from the
// core's checks (checkToken in token.ts), worded as the core words them.
import type { TokenReading } from '../token';
import { finding, ON_SERVER } from './finding';
import type { Finding } from './finding';

const ORDER = `pass them in this order: new AccessToken(accountSid, apiKeySid, apiKeySecret, { identity }).`;

/**
 * The finding behind a header whose `cty` is not Twilio's, when the payload has no grants either:
 * the token is another kind of JWT.
 *
 * @param payload - the decoded claims, or `null`.
 * @returns the `not-an-access-token` finding, or none.
 * @example notAnAccessToken({ scope: 'scope:client:incoming' })[0]?.message // 'This is a Capability Token …'
 */
export function notAnAccessToken(payload: Record<string, unknown> | null): Finding[] {
  if (payload === null || 'grants' in payload) return [];
  const kind =
    typeof payload.scope === 'string'
      ? 'a Capability Token (Twilio Client 1.x or TaskRouter)'
      : "a JWT of another kind (perhaps your app's own session or ID token)";
  const message = `This is ${kind}, not a Twilio access token: it has no twilio-fpa content type and no grants.`;
  const remedy =
    ON_SERVER + 'mint an access token with a Twilio helper library (AccessToken) and return that.';
  // 20102: the header check (cty) is the one the core, and the platform, refuse it for first.
  return [finding('error', 'not-an-access-token', message, remedy, 20102)];
}

/**
 * The finding behind an `iss` the core refused, when it holds an Account SID.
 *
 * @param payload - the decoded claims.
 * @returns the `account-sid-in-iss` finding, or none.
 * @example accountSidInIssuer({ iss: 'AC…' }).map((f) => f.reason) // ['account-sid-in-iss']
 */
export function accountSidInIssuer({ iss }: Record<string, unknown>): Finding[] {
  if (!(typeof iss === 'string' && iss.startsWith('AC'))) return [];
  const message =
    'iss holds an Account SID (AC…) where the API key SID (SK…) belongs: the token was made ' +
    'with the Account SID and Auth Token, or with the SIDs swapped.';
  const remedy = ON_SERVER + 'create an API key (Twilio Console › API keys) and ' + ORDER;
  return [finding('error', 'account-sid-in-iss', message, remedy, 20103)];
}

/**
 * The finding behind a `sub` the core refused, when it holds an API key SID.
 *
 * @param payload - the decoded claims.
 * @returns the `api-key-sid-in-sub` finding, or none.
 * @example apiKeySidInSubject({ sub: 'SK…' }).map((f) => f.reason) // ['api-key-sid-in-sub']
 */
export function apiKeySidInSubject({ sub }: Record<string, unknown>): Finding[] {
  if (!(typeof sub === 'string' && sub.startsWith('SK'))) return [];
  const message =
    'sub holds an API key SID (SK…) where the Account SID (AC…) belongs: the two SIDs were swapped.';
  return [finding('error', 'api-key-sid-in-sub', message, ON_SERVER + ORDER, 20103)];
}

/**
 * Checks that `jti` starts with the API key SID in `iss`, as Twilio helper libraries write it.
 *
 * @param reading - what the core's checks read of the token.
 * @param issuerValid - whether the core accepted `iss` as an API key SID.
 * @returns the `jti-mismatch` warning, or none.
 * @example checkKeyId(reading, true).map((f) => f.reason) // ['jti-mismatch']
 */
export function checkKeyId({ payload }: TokenReading, issuerValid: boolean): Finding[] {
  const iss = payload?.iss;
  const jti = payload?.jti;
  if (!issuerValid || typeof iss !== 'string' || (typeof jti === 'string' && jti.startsWith(iss))) return [];
  const message =
    typeof jti === 'string'
      ? 'jti does not start with the API key SID in iss: the token was not made by a Twilio helper ' +
        'library, or its parts come from different keys.'
      : 'jti is missing: Twilio helper libraries always set it.';
  const remedy =
    ON_SERVER +
    'mint with a Twilio helper library, which sets jti to "<API key SID>-<unique>"; ' +
    'tokens made by hand must do the same.';
  return [finding('warning', 'jti-mismatch', message, remedy)];
}
