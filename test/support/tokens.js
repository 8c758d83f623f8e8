/**
 * Tokens for tests: real ones minted by the official `twilio` helper library with demo SIDs and a
 * demo secret, and hand-made ones for the shapes the helper refuses to produce. Plain JavaScript,
 * so both the vitest suites and the Node scripts of the browser tests can use it.
 */
import { createHmac } from 'node:crypto';
import twilio from 'twilio';

const { AccessToken } = twilio.jwt;

export const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
export const OTHER_ACCOUNT_SID = 'AC' + 'fedcba9876543210'.repeat(2);
export const API_KEY_SID = 'SK' + '0123456789abcdef'.repeat(2);
export const API_KEY_SECRET = 'demo-secret-for-tests-only';

/**
 * Mints a real access token with `twilio.jwt.AccessToken`, at the current (possibly fake) time.
 *
 * @param {object} [options]
 * @param {string | null} [options.identity] the user's identity (default 'alice'; null for none)
 * @param {number} [options.ttl] lifetime in seconds (default 3600)
 * @param {Array<'chat' | 'voice' | 'video' | 'sync'>} [options.grants] grants to add (default ['chat'])
 * @param {number} [options.nbf] not-before, in seconds
 * @param {string} [options.accountSid] the account (default ACCOUNT_SID)
 * @returns {string}
 */
export function mintToken(options = {}) {
  const { identity = 'alice', ttl = 3600, grants = ['chat'], nbf, accountSid = ACCOUNT_SID } = options;
  const token = new AccessToken(accountSid, API_KEY_SID, API_KEY_SECRET, {
    ttl,
    ...(identity === null ? {} : { identity }),
    ...(nbf === undefined ? {} : { nbf }),
  });
  for (const grant of grants) {
    if (grant === 'chat') token.addGrant(new AccessToken.ChatGrant({ serviceSid: 'IS' + '0'.repeat(32) }));
    if (grant === 'voice') {
      token.addGrant(
        new AccessToken.VoiceGrant({ outgoingApplicationSid: 'AP' + '0'.repeat(32), incomingAllow: true }),
      );
    }
    if (grant === 'video') token.addGrant(new AccessToken.VideoGrant());
    if (grant === 'sync') token.addGrant(new AccessToken.SyncGrant({ serviceSid: 'IS' + '1'.repeat(32) }));
  }
  return token.toJwt();
}

/** @param {unknown} value */
const base64url = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const GOOD_HEADER = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' };

/**
 * The payload a helper library would write, at the current time, for overriding in hand-made tokens.
 * @param {Record<string, unknown>} [overrides]
 * @returns {Record<string, unknown>}
 */
export function goodPayload(overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    jti: `${API_KEY_SID}-${now}`,
    iss: API_KEY_SID,
    sub: ACCOUNT_SID,
    iat: now,
    exp: now + 3600,
    grants: { identity: 'alice', chat: { service_sid: 'IS' + '0'.repeat(32) } },
    ...overrides,
  };
}

/**
 * Builds and signs a token by hand, for shapes the helper library will not produce.
 * @param {Record<string, unknown> | string} [payload] claims, or raw text for the payload part
 * @param {Record<string, unknown> | string} [header] header, or raw text for the header part
 * @returns {string}
 */
export function craftToken(payload = goodPayload(), header = GOOD_HEADER) {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = createHmac('sha256', API_KEY_SECRET).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * A copy of `object` without `key` (for payloads missing a claim).
 * @param {Record<string, unknown>} object
 * @param {string} key
 * @returns {Record<string, unknown>}
 */
export function without(object, key) {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/**
 * The signature part of a JWT: what no output may ever repeat.
 * @param {string} token
 * @returns {string}
 */
export const signatureOf = (token) => token.split('.')[2] ?? '';
