import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, MAX_TOKEN_LENGTH, decodeAccessToken } from 'access-token-manager';
import {
  ACCOUNT_SID,
  API_KEY_SID,
  GOOD_HEADER,
  craftToken,
  goodPayload,
  mintToken,
  without,
} from './support/tokens.js';
import { T0 as NOW_MS, T0_SECONDS as NOW_S, useFakeTime } from './support/time.js';

const HOUR_S = 3600;

useFakeTime({ toFake: ['Date'] });

/** Calls `decodeAccessToken(input)` and returns what it threw, failing the test if it returned. */
function refusal(input: unknown): AccessTokenError {
  try {
    decodeAccessToken(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AccessTokenError);
    return error as AccessTokenError;
  }
  throw new Error('expected decodeAccessToken to throw, but it returned');
}

/** The strings of `input` that a message must never quote: the whole, and each JWT part. */
function secretsOf(input: unknown): string[] {
  const strings =
    typeof input === 'string'
      ? [input]
      : typeof input === 'object' && input !== null
        ? Object.values(input).filter((value): value is string => typeof value === 'string')
        : [];
  return strings.flatMap((text) => [text, ...text.split('.')]).filter((text) => text.length > 8);
}

/** Writes a token's lifetime in milliseconds by hand: exp = iat + ttl in ms. */
const ttlInMsToken = () => craftToken(goodPayload({ iat: NOW_S, exp: NOW_S + 3_600_000 }));

interface RefusalCase {
  name: string;
  input: () => unknown;
  code: number;
  reason: string;
  facts?: Record<string, unknown>;
  /** Words of the remedy that must be in the message. */
  remedy: RegExp;
}

const refusals: RefusalCase[] = [
  // 20101: not a token at all, described by type and shape, never by value.
  {
    name: 'the JSON object the token endpoint returned ({ token })',
    input: () => ({ token: mintToken() }),
    code: 20101,
    reason: 'not-a-string',
    facts: { received: 'an object with a "token" field' },
    remedy: /pass \.token/,
  },
  {
    name: 'a number',
    input: () => 42,
    code: 20101,
    reason: 'not-a-string',
    facts: { received: 'a number' },
    remedy: /JWT string/,
  },
  {
    name: 'undefined',
    input: () => undefined,
    code: 20101,
    reason: 'not-a-string',
    facts: { received: 'undefined' },
    remedy: /JWT string/,
  },
  {
    name: 'null',
    input: () => null,
    code: 20101,
    reason: 'not-a-string',
    facts: { received: 'null' },
    remedy: /JWT string/,
  },
  {
    name: 'an empty string',
    input: () => '',
    code: 20101,
    reason: 'empty',
    remedy: /token endpoint/,
  },
  {
    name: 'a token without its signature (two parts)',
    input: () => mintToken().split('.').slice(0, 2).join('.'),
    code: 20101,
    reason: 'malformed',
    facts: { received: expect.stringMatching(/^a string of \d+ characters in 2 parts$/) },
    remedy: /as minted/,
  },
  {
    name: 'a token with four parts',
    input: () => `${mintToken()}.extra`,
    code: 20101,
    reason: 'malformed',
    facts: { received: expect.stringMatching(/in 4 parts$/) },
    remedy: /as minted/,
  },
  {
    name: 'a token with "Bearer " in front',
    input: () => `Bearer ${mintToken()}`,
    code: 20101,
    reason: 'malformed',
    remedy: /Bearer/,
  },
  {
    name: 'a token still in JSON quotes',
    input: () => JSON.stringify(mintToken()),
    code: 20101,
    reason: 'malformed',
    remedy: /quotes/,
  },
  {
    name: 'a header that is not base64url (cut to one character)',
    input: () => `e.${mintToken().split('.').slice(1).join('.')}`,
    code: 20101,
    reason: 'undecodable',
    facts: { field: 'header' },
    remedy: /uncut/,
  },
  {
    name: 'a payload that is not JSON',
    input: () => craftToken('this is not json'),
    code: 20101,
    reason: 'undecodable',
    facts: { field: 'payload' },
    remedy: /uncut/,
  },
  {
    name: 'a header that is JSON but not an object',
    input: () => craftToken(goodPayload(), '"JWT"'),
    code: 20101,
    reason: 'undecodable',
    facts: { field: 'header' },
    remedy: /uncut/,
  },
  // 20102: the header.
  {
    name: 'a header with typ other than JWT',
    input: () => craftToken(goodPayload(), { ...GOOD_HEADER, typ: 'JOSE' }),
    code: 20102,
    reason: 'invalid-header',
    facts: { field: 'typ', expected: '"JWT"', actual: '"JOSE"' },
    remedy: /helper library/,
  },
  {
    name: 'a header with alg other than HS256',
    input: () => craftToken(goodPayload(), { ...GOOD_HEADER, alg: 'HS512' }),
    code: 20102,
    reason: 'invalid-header',
    facts: { field: 'alg', expected: '"HS256"', actual: '"HS512"' },
    remedy: /helper library/,
  },
  {
    name: 'a header with alg none',
    input: () => craftToken(goodPayload(), { ...GOOD_HEADER, alg: 'none' }),
    code: 20102,
    reason: 'invalid-header',
    facts: { field: 'alg' },
    remedy: /helper library/,
  },
  {
    name: 'a header without cty',
    input: () => craftToken(goodPayload(), without(GOOD_HEADER, 'cty')),
    code: 20102,
    reason: 'invalid-header',
    facts: { field: 'cty', expected: '"twilio-fpa;v=1"', actual: 'missing' },
    remedy: /helper library/,
  },
  // 20103: the SIDs.
  {
    name: 'an iss that is an Account SID instead of an API key SID',
    input: () => craftToken(goodPayload({ iss: ACCOUNT_SID })),
    code: 20103,
    reason: 'invalid-issuer',
    facts: { actual: '"AC…" (34 characters)' },
    remedy: /API key/,
  },
  {
    name: 'an iss of SK and 31 hex digits',
    input: () => craftToken(goodPayload({ iss: API_KEY_SID.slice(0, -1) })),
    code: 20103,
    reason: 'invalid-issuer',
    remedy: /API key/,
  },
  {
    name: 'no iss',
    input: () => craftToken(without(goodPayload(), 'iss')),
    code: 20103,
    reason: 'invalid-issuer',
    facts: { actual: 'missing' },
    remedy: /API key/,
  },
  {
    name: 'a sub that is not an Account SID (minted by the helper library)',
    input: () => mintToken({ accountSid: 'US' + '0123456789abcdef'.repeat(2) }),
    code: 20103,
    reason: 'invalid-subject',
    facts: { actual: '"US…" (34 characters)' },
    remedy: /Account SID/,
  },
  {
    name: 'a sub that is the API key SID',
    input: () => craftToken(goodPayload({ sub: API_KEY_SID })),
    code: 20103,
    reason: 'invalid-subject',
    remedy: /Account SID/,
  },
  // 20104: exp.
  {
    name: 'no exp',
    input: () => craftToken(without(goodPayload(), 'exp')),
    code: 20104,
    reason: 'invalid-expiry',
    facts: { actual: 'missing' },
    remedy: /helper library/,
  },
  {
    name: 'an exp that is a string',
    input: () => craftToken(goodPayload({ exp: String(NOW_S + HOUR_S) })),
    code: 20104,
    reason: 'invalid-expiry',
    facts: { actual: 'a string' },
    remedy: /helper library/,
  },
  {
    name: 'an exp in the past (minted two hours ago with a one-hour ttl)',
    input: () => {
      vi.setSystemTime(NOW_MS - 2 * HOUR_S * 1000);
      const token = mintToken({ ttl: HOUR_S });
      vi.setSystemTime(NOW_MS);
      return token;
    },
    code: 20104,
    reason: 'expired',
    facts: { atMs: NOW_MS - HOUR_S * 1000, nowMs: NOW_MS },
    remedy: /fetch a new token/,
  },
  // 20105: nbf.
  {
    name: 'an nbf an hour in the future',
    input: () => mintToken({ nbf: NOW_S + HOUR_S, ttl: 2 * HOUR_S }),
    code: 20105,
    reason: 'not-yet-valid',
    facts: { atMs: NOW_MS + HOUR_S * 1000 },
    remedy: /nbf/,
  },
  // 20106: grants.
  {
    name: 'only an identity and no product grant',
    input: () => mintToken({ identity: 'alice', grants: [] }),
    code: 20106,
    reason: 'missing-grants',
    remedy: /add a grant/,
  },
  {
    name: 'an empty grants claim',
    input: () => craftToken(goodPayload({ grants: {} })),
    code: 20106,
    reason: 'missing-grants',
    remedy: /add a grant/,
  },
  {
    name: 'a grants claim that is a list',
    input: () => craftToken(goodPayload({ grants: ['chat'] })),
    code: 20106,
    reason: 'missing-grants',
    remedy: /add a grant/,
  },
  {
    name: 'no grants claim',
    input: () => craftToken(without(goodPayload(), 'grants')),
    code: 20106,
    reason: 'missing-grants',
    remedy: /add a grant/,
  },
  // 20157: lifetime over 24 h.
  {
    name: 'a ttl of 3_600_000 given in ms to the helper library',
    input: () => mintToken({ ttl: 3_600_000 }),
    code: 20157,
    reason: 'ttl-too-long',
    facts: { seconds: 3_600_000, unit: 'ttl-in-ms' },
    remedy: /ttl in seconds/,
  },
  {
    name: 'a hand-made exp = iat + 3_600_000',
    input: ttlInMsToken,
    code: 20157,
    reason: 'ttl-too-long',
    facts: { seconds: 3_600_000, unit: 'ttl-in-ms' },
    remedy: /ttl in seconds/,
  },
  {
    name: 'an exp written in milliseconds',
    input: () => craftToken(goodPayload({ iat: NOW_S, exp: NOW_MS + 3_600_000 })),
    code: 20157,
    reason: 'ttl-too-long',
    facts: { unit: 'exp-in-ms' },
    remedy: /ttl in seconds/,
  },
  {
    name: 'an exp in milliseconds and no iat',
    input: () => craftToken(without(goodPayload({ exp: NOW_MS + 3_600_000 }), 'iat')),
    code: 20157,
    reason: 'ttl-too-long',
    facts: { unit: 'exp-in-ms' },
    remedy: /ttl in seconds/,
  },
  {
    name: 'a lifetime too long in any unit (over 1000 days)',
    input: () => mintToken({ ttl: 100_000_000 }),
    code: 20157,
    reason: 'ttl-too-long',
    facts: { seconds: 100_000_000, unit: undefined },
    remedy: /86400/,
  },
];

describe(decodeAccessToken, () => {
  it('decodes a token minted by the twilio helper library', () => {
    const decoded = decodeAccessToken(mintToken({ identity: 'alice', grants: ['chat', 'voice'] }));
    expect(decoded.identity).toBe('alice');
    expect(decoded.accountSid).toBe(ACCOUNT_SID);
    expect(decoded.apiKeySid).toBe(API_KEY_SID);
    expect(decoded.grantNames).toEqual(['chat', 'voice']);
    expect(decoded.header).toMatchObject({ typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' });
  });

  it('gives its times as dates', () => {
    const decoded = decodeAccessToken(mintToken({ ttl: HOUR_S }));
    expect(decoded.issuedAt).toEqual(new Date(NOW_MS));
    expect(decoded.expires).toEqual(new Date(NOW_MS + HOUR_S * 1000));
    expect(decoded.notBefore).toBeNull();
  });

  it('gives a null identity for a token without one', () => {
    const token = craftToken(goodPayload({ grants: { video: {} } }));
    expect(decodeAccessToken(token).identity).toBeNull();
  });

  it('accepts the longest lifetime the platform allows, 24 h', () => {
    expect(decodeAccessToken(mintToken({ ttl: 86_400 })).expires).toEqual(new Date(NOW_MS + 86_400_000));
  });

  it('tolerates an nbf a few seconds ahead of the local clock', () => {
    expect(decodeAccessToken(mintToken({ nbf: NOW_S + 30 })).notBefore).toEqual(new Date(NOW_MS + 30_000));
  });

  it('judges expiry against the nowMs option, and skips it with nowMs: false', () => {
    const token = mintToken({ ttl: HOUR_S });
    const afterExpiry = NOW_MS + 2 * HOUR_S * 1000;
    expect(() => decodeAccessToken(token, { nowMs: afterExpiry })).toThrow(
      expect.objectContaining({ reason: 'expired' }),
    );
    expect(decodeAccessToken(token, { nowMs: false }).identity).toBe('alice');
  });

  describe('refuses', () => {
    it.each(refusals)('$name with $code ($reason)', ({ input, code, reason, facts }) => {
      const error = refusal(input());
      expect(error.name).toBe('AccessTokenError');
      expect(error.code).toBe(code);
      expect(error.reason).toBe(reason);
      if (facts) expect(error.facts).toMatchObject(facts);
    });

    it.each(refusals)('$name with a message that names the remedy', ({ input, remedy }) => {
      const error = refusal(input());
      expect(error.remedy).toMatch(remedy);
      expect(error.message).toContain(error.remedy);
      // The cause comes first, then the remedy.
      expect(error.message.length).toBeGreaterThan(error.remedy.length + 10);
    });

    it.each(refusals)('$name without quoting the token in the message', ({ input }) => {
      const value = input();
      const error = refusal(value);
      for (const secret of secretsOf(value)) expect(error.message).not.toContain(secret);
    });

    it('says what was received for a non-string, by type and shape', () => {
      expect(refusal({ token: mintToken() }).message).toContain('an object with a "token" field');
      expect(refusal(42).message).toContain('a number');
      expect(refusal(['a', 'b']).message).toContain('an array of 2 items');
    });

    it('says the ttl looks like milliseconds when it does', () => {
      expect(refusal(ttlInMsToken()).message).toMatch(/ttl looks like ms/);
      const expInMs = craftToken(goodPayload({ iat: NOW_S, exp: NOW_MS + 3_600_000 }));
      expect(refusal(expInMs).message).toMatch(/exp looks like ms/);
    });

    it('says how long ago an expired token expired', () => {
      vi.setSystemTime(NOW_MS - 2 * HOUR_S * 1000);
      const token = mintToken({ ttl: HOUR_S });
      vi.setSystemTime(NOW_MS);
      expect(refusal(token).message).toContain('expired 1 h 0 min ago');
    });
  });

  describe('for any input', () => {
    /** Whatever the input, decodeAccessToken returns or throws an AccessTokenError that never quotes it. */
    function decodesOrRefusesSafely(input: unknown, secrets: string[]): void {
      let thrown: unknown;
      try {
        decodeAccessToken(input);
        return;
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AccessTokenError);
      const { message } = thrown as AccessTokenError;
      for (const secret of secrets) {
        if (secret.length > 8) expect(message).not.toContain(secret);
      }
    }

    /** Every string in a JSON value (not its keys). */
    function stringsIn(value: unknown): string[] {
      if (typeof value === 'string') return [value];
      if (typeof value !== 'object' || value === null) return [];
      return Object.values(value).flatMap(stringsIn);
    }

    it('refuses an arbitrary string with an AccessTokenError that does not quote it', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (input) => {
          decodesOrRefusesSafely(input, [input]);
        }),
      );
    });

    it('refuses an arbitrary string of three base64url parts without quoting any part', () => {
      const part = fc.stringMatching(/^[\w-]{1,80}$/);
      fc.assert(
        fc.property(fc.tuple(part, part, part), (parts) => {
          decodesOrRefusesSafely(parts.join('.'), [parts.join('.'), ...parts]);
        }),
      );
    });

    it('refuses an arbitrary JSON value with 20101, quoting none of its strings', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          decodesOrRefusesSafely(value, stringsIn(value));
          if (typeof value !== 'string') expect(() => decodeAccessToken(value)).toThrow(/Expected the token/);
        }),
      );
    });

    it('refuses arbitrary JSON text with an AccessTokenError that does not quote it', () => {
      fc.assert(
        fc.property(fc.json(), (text) => {
          decodesOrRefusesSafely(text, [text]);
        }),
      );
    });

    it('decodes or refuses a signed token with arbitrary header and payload, never quoting it', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.jsonValue(), (header, payload) => {
          const token = craftToken(payload as Record<string, unknown>, header as Record<string, unknown>);
          decodesOrRefusesSafely(token, [token, ...token.split('.')]);
        }),
      );
    });

    it('decodes or refuses a good token with arbitrary claims swapped in, never quoting it', () => {
      const claims = fc.dictionary(
        fc.constantFrom('iss', 'sub', 'iat', 'nbf', 'exp', 'grants', 'jti'),
        fc.oneof(
          fc.jsonValue(),
          fc.integer({ min: NOW_S - 200_000, max: NOW_S + 200_000 }),
          fc.constantFrom(API_KEY_SID, ACCOUNT_SID),
        ),
      );
      const header = fc.oneof(
        fc.constant(GOOD_HEADER),
        fc.dictionary(fc.constantFrom('typ', 'alg', 'cty', 'kid'), fc.jsonValue()),
      );
      fc.assert(
        fc.property(claims, header, (overrides, headerValue) => {
          const token = craftToken(goodPayload(overrides), headerValue);
          decodesOrRefusesSafely(token, [token, ...token.split('.')]);
        }),
      );
    });
  });
});

describe(AccessTokenError, () => {
  it('is an Error with a code, a reason, a remedy and printable facts', () => {
    const error = refusal(mintToken({ accountSid: 'XX' }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'AccessTokenError', code: 20103, reason: 'invalid-subject' });
    expect(error.facts.actual).toBe('"XX…" (2 characters)');
  });
});

describe('unit hints of ttl-too-long', () => {
  const refusal = (payload: Record<string, unknown>, nowMs?: number) => {
    try {
      decodeAccessToken(craftToken(payload), nowMs === undefined ? {} : { nowMs });
    } catch (error) {
      return error as AccessTokenError;
    }
    throw new Error('the token was accepted');
  };

  it('does not call a 48-hour ttl given in seconds a unit mistake', () => {
    const error = refusal(goodPayload({ iat: NOW_S, exp: NOW_S + 172_800 }));
    expect(error.reason).toBe('ttl-too-long');
    expect(error.facts.unit).toBeUndefined();
  });

  it('judges an exp in milliseconds without iat or nbf against the nowMs it was given', () => {
    const laterMs = NOW_MS + 30 * 86_400_000;
    const expWrittenInMs = laterMs + HOUR_S * 1000;
    const payload = without(without(goodPayload({ exp: expWrittenInMs }), 'iat'), 'nbf');
    const error = refusal(payload, laterMs);
    // The lifetime is exp (taken as seconds) minus the given now, not minus Date.now().
    expect(error.facts).toMatchObject({ unit: 'exp-in-ms', seconds: expWrittenInMs - laterMs / 1000 });
  });
});

describe('invalid-header facts', () => {
  it('quotes a header value only if it could not be a secret or a token', () => {
    const secret = 'Zk3'.repeat(10) + 'q9';
    const facts = (alg: string) => refusal(craftToken(goodPayload(), { ...GOOD_HEADER, alg })).facts;

    expect(facts('HS512').actual).toBe('"HS512"');
    expect(facts(secret).actual).toBe('a string of 32 characters in 1 part');
    expect(refusal(craftToken(goodPayload(), { ...GOOD_HEADER, alg: secret })).message).not.toContain(
      secret.slice(0, 24),
    );
  });

  it('describes a header value of the wrong type by its type, not as missing', () => {
    expect(() => decodeAccessToken(craftToken(goodPayload(), { ...GOOD_HEADER, alg: 256 }))).toThrow(
      expect.objectContaining({
        reason: 'invalid-header',
        facts: expect.objectContaining({ field: 'alg', actual: 'a number' }),
      }),
    );
  });
});

describe('a string over MAX_TOKEN_LENGTH', () => {
  /**
   * The shortest well-formed token (a padded grant) of at least `length` characters: base64url
   * never ends a part on one spare character, so one in four lengths cannot be made exactly.
   */
  function tokenOfLength(length: number): string {
    const padded = (pad: number) =>
      craftToken(goodPayload({ grants: { identity: 'alice', chat: {}, pad: 'x'.repeat(pad) } }));
    // Each 3 bytes of JSON become 4 base64url characters.
    let pad = Math.floor(((length - padded(0).length) * 3) / 4) - 2;
    while (padded(pad).length < length) pad += 1;
    return padded(pad);
  }

  it('is 16 KiB, far above any real token (a helper token with every grant is under 1 kB)', () => {
    expect(MAX_TOKEN_LENGTH).toBe(16_384);
    expect(mintToken({ grants: ['chat', 'voice', 'video', 'sync'] }).length).toBeLessThan(1_000);
  });

  it('accepts a valid token of exactly MAX_TOKEN_LENGTH characters', () => {
    const token = tokenOfLength(MAX_TOKEN_LENGTH);
    expect(token.length).toBe(MAX_TOKEN_LENGTH);
    expect(decodeAccessToken(token).identity).toBe('alice');
  });

  it('refuses the next longer token as too-long (20101), with its remedy', () => {
    const token = tokenOfLength(MAX_TOKEN_LENGTH + 1);
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH + 2);
    const error = refusal(token);
    expect(error).toMatchObject({
      code: 20101,
      reason: 'too-long',
      facts: { actual: String(token.length), expected: String(MAX_TOKEN_LENGTH) },
    });
    expect(error.message).toContain('not a page or a whole response');
  });

  it('refuses a 10 MB string before decoding it: its undecodable payload is never looked at', () => {
    const huge = `${craftToken().split('.')[0]}.${'!'.repeat(10_000_000)}.sig`;
    expect(refusal(huge)).toMatchObject({ reason: 'too-long', facts: { actual: String(huge.length) } });
  });

  it('refuses a long token in the manager, keeping the current one', async () => {
    const current = mintToken();
    const manager = new AccessManager(current);
    const outcome = await manager.updateToken(tokenOfLength(MAX_TOKEN_LENGTH + 1)).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ reason: 'too-long' });
    expect(manager.token).toBe(current);
  });
});
