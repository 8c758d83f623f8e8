import { describe, expect, it } from 'vitest';
import { AccessTokenError, decodeAccessToken } from 'access-manager';
import { ACCOUNT_SID, API_KEY_SID, mintToken } from './support/tokens.js';

describe(decodeAccessToken, () => {
  it('decodes a token minted by the twilio helper library', () => {
    const decoded = decodeAccessToken(mintToken({ identity: 'alice', grants: ['chat', 'voice'] }));
    expect(decoded.identity).toBe('alice');
    expect(decoded.accountSid).toBe(ACCOUNT_SID);
    expect(decoded.apiKeySid).toBe(API_KEY_SID);
    expect(decoded.grantNames).toEqual(['chat', 'voice']);
    expect(decoded.header).toMatchObject({ typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' });
  });

  it('refuses a value that is not a string with 20101', () => {
    expect(() => decodeAccessToken({ token: 'x' })).toThrow(AccessTokenError);
  });
});
