// Signing: the claims a Twilio helper library writes, in its order, signed HS256 by `jose` through
// Web Crypto, so the same code runs in Node, Deno, Bun, Workers and edge runtimes.
import { SignJWT } from 'jose';
import type { Credentials } from './credentials';

/** The header every access token carries; `cty` names the access token format's version. */
const HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' } as const;

/** @internal A minted token and the moment it expires. */
export interface MintedToken {
  token: string;
  /** `exp`, in seconds since the epoch. */
  expiresAtSeconds: number;
}

/**
 * @internal Makes the signer for one set of credentials. The secret's bytes are kept in this
 * closure only: never in a returned value, an error or a log.
 */
export function createSigner(credentials: Credentials) {
  const { accountSid, apiKeySid } = credentials;
  const key = new TextEncoder().encode(credentials.apiKeySecret);
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
    const token = await new SignJWT(claims).setProtectedHeader(HEADER).sign(key);
    return { token, expiresAtSeconds: exp };
  };
}
