// Signing: the claims a Twilio helper library writes, in its order, signed HS256 (HMAC-SHA256)
// through Web Crypto, so the same code runs in Node, Deno, Bun, Workers and edge runtimes. A JWT
// that is only signed, never verified, needs no library: two base64url parts and their HMAC.
import type { Credentials } from './credentials';
import { invalidServerOption } from './invalid';

/** The header every access token carries; `cty` names the access token format's version. */
const HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' } as const;

const encoder = new TextEncoder();

/** Bytes as base64url without padding (RFC 7515, section 2), as each part of a JWT is written. */
function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A JSON value as a JWT part: its UTF-8 JSON, base64url. */
const part = (value: unknown): string => base64url(encoder.encode(JSON.stringify(value)));

/** @internal A minted token and the moment it expires. */
export interface MintedToken {
  token: string;
  /** `exp`, in seconds since the epoch. */
  expiresAtSeconds: number;
}

/**
 * @internal Makes the signer for one set of credentials. The secret becomes a Web Crypto key that
 * cannot be exported, made at the first token; it is never in a returned value, an error or a log.
 */
export function createSigner(credentials: Credentials) {
  // Checked at startup, so a runtime without Web Crypto (Node 18 without its flag) fails typed when
  // the handler is made, not with a ReferenceError at the first request.
  if (typeof crypto !== 'object' || typeof crypto?.subtle?.sign !== 'function') {
    throw invalidServerOption(
      'crypto.subtle',
      'Web Crypto (Node 20+; Node 18: --experimental-global-webcrypto)',
      'none',
    );
  }
  const { accountSid, apiKeySid, apiKeySecret } = credentials;
  let key: Promise<CryptoKey> | undefined;
  /**
   * Signs one token. The claims are in the order the `twilio` helper library writes them, with its
   * `jti` (`<API key SID>-<iat>`), so for the same inputs at the same second both mint the same
   * token, byte for byte.
   * @param grants - the `grants` claim, identity first.
   * @param ttlSeconds - the token's lifetime.
   * @param nowMs - the time of issue, in milliseconds since the epoch.
   */
  return async function sign(
    grants: Record<string, unknown>,
    ttlSeconds: number,
    nowMs: number,
  ): Promise<MintedToken> {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + ttlSeconds;
    const claims = { jti: `${apiKeySid}-${iat}`, grants, iat, exp, iss: apiKeySid, sub: accountSid };
    const signingInput = `${part(HEADER)}.${part(claims)}`;
    key ??= crypto.subtle.importKey(
      'raw',
      encoder.encode(apiKeySecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const signature = await crypto.subtle.sign('HMAC', await key, encoder.encode(signingInput));
    return { token: `${signingInput}.${base64url(new Uint8Array(signature))}`, expiresAtSeconds: exp };
  };
}
