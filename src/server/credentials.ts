// The three credentials a token is signed with, checked once when the handler is made: a token
// minted from a wrong one is refused by Twilio later, far from the line that caused it.
import { AccessTokenError } from 'access-token-manager';
import { invalidServerOption } from './invalid';

/** The credentials, checked: safe to sign with. */
export interface Credentials {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;
// Any SID: two letters and 32 hex digits. A secret of this shape is a SID pasted in its place.
const ANY_SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
// An API key's secret, as the Console and the REST API show it once, when the key is created.
const SECRET = /^[A-Za-z0-9]{32}$/;

/** Describes a SID by its prefix and length, as the core describes `iss` and `sub`. */
function describeSid(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'missing' : `a ${typeof value}`;
  return `"${value.slice(0, 2)}…" (${value.length} characters)`;
}

/**
 * Checks the Account SID and the API key SID, the two swapped first: each is then named as what
 * it is. The reasons are the ones `decodeAccessToken` gives the token they would mint
 * (`invalid-subject`, `invalid-issuer`: code 20103).
 */
function checkSids(accountSid: unknown, apiKeySid: unknown): void {
  const swapped = 'an API key SID: accountSid and apiKeySid are swapped';
  if (typeof accountSid !== 'string' || !ACCOUNT_SID.test(accountSid)) {
    const isKey = typeof accountSid === 'string' && API_KEY_SID.test(accountSid);
    throw new AccessTokenError('invalid-subject', {
      field: 'accountSid',
      expected: 'AC followed by 32 hex digits',
      actual:
        isKey && typeof apiKeySid === 'string' && ACCOUNT_SID.test(apiKeySid)
          ? `${describeSid(accountSid)}, ${swapped}`
          : isKey
            ? `${describeSid(accountSid)}, an API key SID: accountSid takes the Account SID (AC…)`
            : describeSid(accountSid),
    });
  }
  if (typeof apiKeySid !== 'string' || !API_KEY_SID.test(apiKeySid)) {
    throw new AccessTokenError('invalid-issuer', {
      field: 'apiKeySid',
      expected: 'SK followed by 32 hex digits',
      actual:
        typeof apiKeySid === 'string' && ACCOUNT_SID.test(apiKeySid)
          ? `${describeSid(apiKeySid)}, an Account SID: sign with an API key (SK…) and its secret, never the Account SID and Auth Token`
          : describeSid(apiKeySid),
    });
  }
}

/**
 * Checks the secret's shape, never quoting it: what was received is said by kind and length only.
 * The Auth Token has the same shape as a secret and cannot be told apart here; a SID can.
 */
function checkSecret(secret: unknown): void {
  if (typeof secret === 'string' && SECRET.test(secret)) return;
  const expected = "the API key's secret: 32 letters and digits, shown once when the key was created";
  let received: string;
  if (typeof secret !== 'string') received = secret === undefined ? 'nothing' : `a ${typeof secret}`;
  else if (secret.length === 0) received = 'an empty string';
  else if (secret.trim() !== secret) received = 'a string with spaces or line breaks around it';
  else if (/^["'`]|["'`]$/.test(secret)) received = 'a string in quotes';
  else if (ANY_SID.test(secret)) received = `a SID ("${secret.slice(0, 2)}…"), not a secret`;
  else received = `a string of ${secret.length} characters`;
  throw invalidServerOption('apiKeySecret', expected, received);
}

/**
 * @internal Checks the credentials in the order a reader would fix them: the SIDs, then the secret.
 * @throws {@link AccessTokenError} `invalid-subject`, `invalid-issuer` or `invalid-server-option`.
 */
export function checkCredentials(
  accountSid: unknown,
  apiKeySid: unknown,
  apiKeySecret: unknown,
): Credentials {
  checkSids(accountSid, apiKeySid);
  checkSecret(apiKeySecret);
  return {
    accountSid: accountSid as string,
    apiKeySid: apiKeySid as string,
    apiKeySecret: apiKeySecret as string,
  };
}
