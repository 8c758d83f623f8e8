// The token's structure, header and identifying claims: the core's checks, run to the end.
import {
  API_KEY_SID,
  ACCOUNT_SID,
  BASE64URL_PART,
  describeInput,
  describeSid,
  EXPECTED_HEADER,
  headerFaults,
  isFiniteNumber,
  isRecord,
  readPart as decodePart,
} from '../token';
import { coreFinding, finding, ON_SERVER } from './finding';
import type { Finding } from './finding';

/** What could be decoded of a token, and what is wrong with its shape and claims. */
export interface CheckedClaims {
  /** The decoded header, or `null` when it does not decode. */
  header: Record<string, unknown> | null;
  /** The decoded payload, or `null` when it does not decode. */
  payload: Record<string, unknown> | null;
  /** The problems found, in the order the core checks them. */
  findings: Finding[];
}

const ORDER = `pass them in this order: new AccessToken(accountSid, apiKeySid, apiKeySecret, { identity }).`;

function checkHeader(header: Record<string, unknown>, payload: Record<string, unknown> | null): Finding[] {
  // The core's facts, so each field is worded (and deduplicated) exactly as the core's error.
  const findings = headerFaults(header).map((facts) => coreFinding('error', 'invalid-header', facts));
  if (header.cty !== EXPECTED_HEADER.cty && payload !== null && !('grants' in payload)) {
    const kind =
      typeof payload.scope === 'string'
        ? 'a Capability Token (Twilio Client 1.x or TaskRouter)'
        : "a JWT of another kind (perhaps your app's own session or ID token)";
    const message = `This is ${kind}, not a Twilio access token: it has no twilio-fpa content type and no grants.`;
    const remedy =
      ON_SERVER + 'mint an access token with a Twilio helper library (AccessToken) and return that.';
    findings.push(finding('error', 'not-an-access-token', message, remedy, 20101));
  }
  return findings;
}

function checkIssuer({ iss, jti }: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  if (typeof iss !== 'string' || !API_KEY_SID.test(iss)) {
    findings.push(coreFinding('error', 'invalid-issuer', { actual: describeSid(iss) }));
  }
  if (typeof iss === 'string' && iss.startsWith('AC')) {
    const message =
      'iss holds an Account SID (AC…) where the API key SID (SK…) belongs: the token was made ' +
      'with the Account SID and Auth Token, or with the SIDs swapped.';
    const remedy = ON_SERVER + 'create an API key (Twilio Console › API keys) and ' + ORDER;
    findings.push(finding('error', 'account-sid-in-iss', message, remedy, 20103));
  }
  if (typeof iss === 'string' && API_KEY_SID.test(iss) && !(typeof jti === 'string' && jti.startsWith(iss))) {
    const message =
      typeof jti === 'string'
        ? 'jti does not start with the API key SID in iss: the token was not made by a Twilio helper ' +
          'library, or its parts come from different keys.'
        : 'jti is missing: Twilio helper libraries always set it.';
    const remedy =
      ON_SERVER +
      'mint with a Twilio helper library, which sets jti to "<API key SID>-<unique>"; ' +
      'tokens made by hand must do the same.';
    findings.push(finding('warning', 'jti-mismatch', message, remedy));
  }
  return findings;
}

function checkSubject({ sub }: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  if (typeof sub !== 'string' || !ACCOUNT_SID.test(sub)) {
    findings.push(coreFinding('error', 'invalid-subject', { actual: describeSid(sub) }));
  }
  if (typeof sub === 'string' && sub.startsWith('SK')) {
    const message =
      'sub holds an API key SID (SK…) where the Account SID (AC…) belongs: the two SIDs were swapped.';
    findings.push(finding('error', 'api-key-sid-in-sub', message, ON_SERVER + ORDER, 20103));
  }
  return findings;
}

function checkPayload(payload: Record<string, unknown>): Finding[] {
  const findings = [...checkIssuer(payload), ...checkSubject(payload)];
  const { exp, grants } = payload;
  if (!isFiniteNumber(exp)) {
    findings.push(
      coreFinding('error', 'invalid-expiry', { actual: exp === undefined ? 'missing' : `a ${typeof exp}` }),
    );
  }
  if (!isRecord(grants) || !Object.keys(grants).some((name) => name !== 'identity')) {
    findings.push(coreFinding('error', 'missing-grants'));
  }
  return findings;
}

/**
 * Runs the core's checks of structure, header and claims on a token, without stopping at the first
 * failure: each part that decodes is checked, even when another does not.
 *
 * @param token - the token string (already unwrapped from quotes, JSON and the like).
 * @returns the decoded header and payload (never the signature) and the findings.
 * @example checkClaims(token).findings.map((f) => f.reason) // ['invalid-issuer', 'account-sid-in-iss']
 */
export function checkClaims(token: string): CheckedClaims {
  if (token === '') return { header: null, payload: null, findings: [coreFinding('error', 'empty')] };
  const findings: Finding[] = [];
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL_PART.test(part))) {
    findings.push(coreFinding('error', 'malformed', { received: describeInput(token) }));
  }
  // A token cut short (no signature) or with a damaged part still shows what the other parts hold.
  const readable = (index: number): boolean => parts.length >= 2 && BASE64URL_PART.test(parts[index] ?? '');
  const header = readable(0) ? (decodePart(token, 'header') ?? null) : null;
  const payload = readable(1) ? (decodePart(token, 'payload') ?? null) : null;
  if (findings.length > 0 && header === null && payload === null) return { header, payload, findings };
  if (header === null) findings.push(coreFinding('error', 'undecodable', { field: 'header' }));
  if (payload === null) findings.push(coreFinding('error', 'undecodable', { field: 'payload' }));
  if (header !== null) findings.push(...checkHeader(header, payload));
  if (payload !== null) findings.push(...checkPayload(payload));
  return { header, payload, findings };
}
