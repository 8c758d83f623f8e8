// The three credentials a token is signed with, checked once when the handler is made: a token
// minted from a wrong one is refused by Twilio later, far from the line that caused it.
import { AccessTokenError, isSid, SID_PREFIXES } from 'access-token-manager';
import { invalidServerOption } from './invalid';

/** The credentials, checked: safe to sign with. */
export interface Credentials {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
}

// A SID of any kind: two capital letters and 32 hex digits. A secret of this shape is a SID
// pasted in its place.
const looksLikeSid = (value: string): boolean => /^[A-Z]{2}/.test(value) && isSid(value, value.slice(0, 2));
// An API key's secret, as the Console and the REST API show it once, when the key is created.
const SECRET_LENGTH = 32;
const NOT_ALPHANUMERIC = /[^A-Za-z0-9]/g;

/**
 * @internal Describes a value given as a SID with `prefix` by its first two letters and length, then
 * the rule it breaks (prefix, length, hex digits, spaces around it): never in full.
 * @example describeSid('AC' + '0'.repeat(30), 'AC') // '"AC…" (32 characters, not 34: AC and 32 hex digits)'
 */
export function describeSid(value: unknown, prefix: string): string {
  if (typeof value !== 'string') return value === undefined ? 'missing' : `a ${typeof value}`;
  const shown = `"${value.slice(0, 2)}…" (${value.length} characters`;
  if (value.trim() !== value) return `${shown}, with spaces or line breaks around it)`;
  if (!value.startsWith(prefix)) return `${shown}, starting with ${value.slice(0, 2)}, not ${prefix})`;
  if (value.length !== 34) return `${shown}, not 34: ${prefix} and 32 hex digits)`;
  const notHex = value.slice(2).replace(/[0-9a-fA-F]/g, '').length;
  return `${shown}, ${notHex} of the 32 after ${prefix} not hex digits 0-9 a-f)`;
}

/**
 * Checks the Account SID and the API key SID, the two swapped first: each is then named as what
 * it is. The reasons are the ones `decodeAccessToken` gives the token they would mint
 * (`invalid-subject`, `invalid-issuer`: code 20103).
 */
function checkSids(accountSid: unknown, apiKeySid: unknown): void {
  const { account, apiKey } = SID_PREFIXES;
  const swapped = 'an API key SID: accountSid and apiKeySid are swapped';
  if (!isSid(accountSid, account)) {
    const isKey = isSid(accountSid, apiKey);
    throw new AccessTokenError('invalid-subject', {
      field: 'accountSid',
      expected: 'AC followed by 32 hex digits',
      actual:
        isKey && isSid(apiKeySid, account)
          ? `${describeSid(accountSid, account)}, ${swapped}`
          : isKey
            ? `${describeSid(accountSid, account)}, an API key SID: accountSid takes the Account SID (AC…)`
            : describeSid(accountSid, account),
    });
  }
  if (!isSid(apiKeySid, apiKey)) {
    throw new AccessTokenError('invalid-issuer', {
      field: 'apiKeySid',
      expected: 'SK followed by 32 hex digits',
      actual: isSid(apiKeySid, account)
        ? `${describeSid(apiKeySid, apiKey)}, an Account SID: sign with an API key (SK…) and its secret, never the Account SID and Auth Token`
        : describeSid(apiKeySid, apiKey),
    });
  }
}

/**
 * Checks the secret's shape, never quoting it: what was received is said by kind, length and the
 * rule it breaks only. The Auth Token has the same shape as a secret and cannot be told apart here;
 * a SID can.
 */
function checkSecret(secret: unknown): void {
  const others = typeof secret === 'string' ? (secret.match(NOT_ALPHANUMERIC) ?? []).length : 0;
  if (typeof secret === 'string' && secret.length === SECRET_LENGTH && others === 0) return;
  const expected = "the API key's secret: 32 letters and digits, shown once when the key was created";
  let received: string;
  if (typeof secret !== 'string') received = secret === undefined ? 'nothing' : `a ${typeof secret}`;
  else if (secret.length === 0) received = 'an empty string';
  else if (secret.trim() !== secret) received = 'a string with spaces or line breaks around it';
  else if (/^["'`]|["'`]$/.test(secret)) received = 'a string in quotes';
  else if (looksLikeSid(secret)) received = `a SID ("${secret.slice(0, 2)}…"), not a secret`;
  else {
    const length = secret.length === SECRET_LENGTH ? '' : `, not ${SECRET_LENGTH}`;
    const symbols = others === 0 ? '' : `, ${others} of them neither letters nor digits`;
    received = `a string of ${secret.length} characters${length}${symbols}`;
  }
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
