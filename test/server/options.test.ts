// createTokenHandler's options are checked when the handler is made, each with a typed error and the
// remedy: the seeds' common mistakes (swapped SIDs, a ttl in milliseconds, a wrong secret) fail at
// startup rather than as a token Twilio refuses later. The secret never appears in what is thrown.
import { describe, expect, it, vi } from 'vitest';
import { AccessTokenError } from 'access-token-manager';
import { createTokenHandler } from 'access-token-manager/server';
import { HOSTILE } from '../support/hostile.js';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, options } from './support.js';

/** The error creating a handler with these options throws, or a failure of the test when none. */
function refusal(overrides: Parameters<typeof options>[0] | unknown): AccessTokenError {
  try {
    createTokenHandler(
      typeof overrides === 'object' && overrides !== null && !Array.isArray(overrides)
        ? options(overrides as Parameters<typeof options>[0])
        : (overrides as never),
    );
  } catch (error) {
    expect(error).toBeInstanceOf(AccessTokenError);
    return error as AccessTokenError;
  }
  throw new Error('expected createTokenHandler to throw');
}

/** Everything an error shows: its message, remedy and facts, as a log line would print them. */
const printed = (error: AccessTokenError): string =>
  `${error.message} ${error.remedy} ${JSON.stringify(error.facts)} ${String(error.stack)}`;

describe('createTokenHandler options', () => {
  it('accepts the credentials as the Console shows them, and no ttl (3600 s)', () => {
    expect(typeof createTokenHandler(options())).toBe('function');
  });

  describe('accountSid', () => {
    it.each([
      ['missing', undefined],
      ['a number', 42],
      ['too short', 'AC1234'],
      ['a Service SID', 'IS' + '0'.repeat(32)],
      ['with a space after it', `${ACCOUNT_SID} `],
      ['not hex', 'AC' + 'z'.repeat(32)],
    ])('refuses one that is %s as invalid-subject (20103), naming accountSid', (_name, accountSid) => {
      const error = refusal({ accountSid });

      expect(error).toMatchObject({ reason: 'invalid-subject', code: 20103, facts: { field: 'accountSid' } });
      expect(error.remedy).toBe('On your token server, use your live Account SID.');
    });

    it('says the two SIDs are swapped when they are', () => {
      const error = refusal({ accountSid: API_KEY_SID, apiKeySid: ACCOUNT_SID });

      expect(error).toMatchObject({ reason: 'invalid-subject', code: 20103 });
      expect(error.message).toContain('accountSid and apiKeySid');
      expect(error.message).toContain('swapped');
    });

    it('names an API key SID given as the account even when the key is right too', () => {
      const error = refusal({ accountSid: API_KEY_SID });

      expect(error.message).toContain('an API key SID');
      expect(error.message).not.toContain('swapped');
    });

    it('describes the SID by its prefix and length, not in full', () => {
      const error = refusal({ accountSid: 'AC' + '9'.repeat(30) });

      expect(error.facts.actual).toBe('"AC…" (32 characters, not 34: AC and 32 hex digits)');
      expect(printed(error)).not.toContain('9'.repeat(30));
    });
  });

  describe('apiKeySid', () => {
    it.each([
      ['missing', undefined],
      ['too long', API_KEY_SID + '0'],
      ['lowercase sk', 'sk' + '0'.repeat(32)],
    ])('refuses one that is %s as invalid-issuer (20103)', (_name, apiKeySid) => {
      const error = refusal({ apiKeySid });

      expect(error).toMatchObject({ reason: 'invalid-issuer', code: 20103, facts: { field: 'apiKeySid' } });
      expect(error.remedy).toBe('On your token server, sign with an API key SID and secret.');
    });

    it('says an Account SID there means signing with the Auth Token, which access tokens cannot use', () => {
      const error = refusal({ apiKeySid: ACCOUNT_SID });

      expect(error.reason).toBe('invalid-issuer');
      expect(error.message).toContain('never the Account SID and Auth Token');
    });
  });

  describe('apiKeySecret', () => {
    it.each([
      ['missing', undefined, 'nothing'],
      ['empty', '', 'an empty string'],
      ['a number', 12345, 'a number'],
      ['copied with a line break', `${API_KEY_SECRET}\n`, 'a string with spaces or line breaks around it'],
      ['in quotes', `"${API_KEY_SECRET.slice(2)}"`, 'a string in quotes'],
      ['the API key SID', API_KEY_SID, 'a SID ("SK…"), not a secret'],
      ['too short', API_KEY_SECRET.slice(0, 20), 'a string of 20 characters, not 32'],
      [
        'with symbols (#24: the rule it breaks, not only its length)',
        'demo-secret-not-for-production-x',
        'a string of 32 characters, 5 of them neither letters nor digits',
      ],
      [
        'too long, with a symbol',
        `${API_KEY_SECRET}!`,
        'a string of 33 characters, not 32, 1 of them neither letters nor digits',
      ],
    ])('refuses one that is %s, describing it by shape only', (_name, apiKeySecret, received) => {
      const error = refusal({ apiKeySecret });

      expect(error).toMatchObject({
        reason: 'invalid-server-option',
        code: 0,
        facts: { field: 'apiKeySecret', received },
      });
      expect(error.message).toContain('32 letters and digits');
      expect(error.remedy).toMatch(/^On your token server, /);
      if (typeof apiKeySecret === 'string' && apiKeySecret.length > 2) {
        expect(printed(error)).not.toContain(apiKeySecret.trim().replaceAll('"', ''));
      }
    });

    it('never shows the secret when something else is wrong', () => {
      for (const overrides of [{ accountSid: 'nope' }, { ttl: 3_600_000 }, { authorize: 'alice' }]) {
        expect(printed(refusal(overrides))).not.toContain(API_KEY_SECRET);
      }
    });
  });

  describe('ttl', () => {
    it.each([180, 3600, 86_400])('accepts %i seconds', (ttl) => {
      expect(() => createTokenHandler(options({ ttl }))).not.toThrow();
    });

    it('names a ttl in milliseconds as such: ttl-too-long (20157) with unit ttl-in-ms', () => {
      const error = refusal({ ttl: 3_600_000 });

      expect(error).toMatchObject({
        reason: 'ttl-too-long',
        code: 20157,
        facts: { field: 'ttl', seconds: 3_600_000, unit: 'ttl-in-ms' },
      });
      expect(error.message).toContain('ttl looks like ms');
      expect(error.remedy).toBe('On your token server, give ttl in seconds, 86400 at most.');
    });

    it('refuses a lifetime over 24 hours that is no unit mistake without naming one', () => {
      const error = refusal({ ttl: 172_800 });

      expect(error).toMatchObject({ reason: 'ttl-too-long', code: 20157, facts: { seconds: 172_800 } });
      expect(error.facts.unit).toBeUndefined();
    });

    it.each([
      ['below the 3-minute minimum', 60],
      ['zero', 0],
      ['negative', -3600],
      ['a fraction', 3600.5],
      ['NaN', Number.NaN],
      ['a string', '3600'],
    ])('refuses a ttl that is %s', (_name, ttl) => {
      expect(refusal({ ttl })).toMatchObject({ reason: 'invalid-server-option', facts: { field: 'ttl' } });
    });
  });

  describe('every message names the rule the input broke (#24)', () => {
    it.each([
      ['a ttl under the minimum', { ttl: 60 }, '60, under the minimum of 180'],
      ['a ttl that is a fraction', { ttl: 3600.5 }, '3600.5, not a whole number of seconds'],
      [
        'an Account SID with a wrong prefix',
        { accountSid: 'AX' + '0'.repeat(32) },
        'starting with AX, not AC',
      ],
      [
        'an Account SID with letters past f',
        { accountSid: 'AC' + 'z'.repeat(3) + '0'.repeat(29) },
        '3 of the 32 after AC not hex digits 0-9 a-f',
      ],
      [
        'an API key SID with a line break',
        { apiKeySid: `${API_KEY_SID}\n` },
        'with spaces or line breaks around it',
      ],
    ])('%s', (_name, overrides, rule) => {
      const error = refusal(overrides);

      expect(error.message).toContain(rule);
      expect(printed(error)).not.toContain(API_KEY_SECRET);
    });
  });

  describe('authorizeTimeoutMs and cors', () => {
    it.each([0, -1, 1.5, 120_001, '10000', Number.NaN])('refuses an authorizeTimeoutMs of %s', (value) => {
      expect(refusal({ authorizeTimeoutMs: value })).toMatchObject({
        reason: 'invalid-server-option',
        facts: { field: 'authorizeTimeoutMs' },
      });
    });

    it('refuses a wildcard origin with credentials, naming the danger', () => {
      const error = refusal({ cors: { origins: ['https://app.example', '*'], credentials: true } });

      expect(error).toMatchObject({ reason: 'invalid-server-option', facts: { field: 'cors.origins[1]' } });
      expect(error.message).toContain('would let every site read');
    });

    it('accepts a wildcard origin without credentials', () => {
      expect(() => createTokenHandler(options({ cors: { origins: ['*'] } }))).not.toThrow();
    });

    it.each([
      ['with a trailing slash', 'https://app.example/'],
      ['with a path', 'https://app.example/app'],
      ['without a scheme', 'app.example'],
    ])('refuses an origin %s, which a browser never sends', (_name, origin) => {
      const error = refusal({ cors: { origins: [origin] } });

      expect(error).toMatchObject({ facts: { field: 'cors.origins[0]' } });
      expect(error.message).toContain('scheme, host and port only');
    });

    it.each([
      ['a string', { cors: 'https://app.example' }, 'cors'],
      ['origins as a string', { cors: { origins: 'https://app.example' } }, 'cors.origins'],
      ['credentials as a string', { cors: { origins: [], credentials: 'yes' } }, 'cors.credentials'],
    ])('refuses cors that is %s', (_name, overrides, field) => {
      expect(refusal(overrides)).toMatchObject({ reason: 'invalid-server-option', facts: { field } });
    });
  });

  describe('authorize and onError', () => {
    it.each([
      ['missing', undefined],
      ['an identity string', 'alice'],
      ['an object', { identity: 'alice' }],
    ])('refuses an authorize that is %s', (_name, authorize) => {
      expect(refusal({ authorize })).toMatchObject({
        reason: 'invalid-server-option',
        facts: { field: 'authorize' },
      });
    });

    it('refuses an onError that is not a function', () => {
      expect(refusal({ onError: true })).toMatchObject({ facts: { field: 'onError' } });
    });
  });

  describe('the options object', () => {
    it.each([
      ['nothing', undefined],
      ['null', null],
      ['a string', 'AC…'],
      ['an array', []],
    ])('refuses %s as the options', (_name, value) => {
      expect(refusal(value)).toMatchObject({ reason: 'invalid-server-option', facts: { field: 'options' } });
    });

    it.each(Object.entries(HOSTILE))('refuses %s with a typed error, never a foreign one', (_name, make) => {
      expect(() => createTokenHandler(make() as never)).toThrow(AccessTokenError);
    });
  });

  describe('the runtime', () => {
    it('refuses at startup, typed, a runtime without Web Crypto (Node 18 without its flag)', () => {
      vi.stubGlobal('crypto', undefined);
      const error = refusal({});
      expect(error.reason).toBe('invalid-server-option');
      expect(error.facts.field).toBe('crypto.subtle');
      expect(error.message).toContain('--experimental-global-webcrypto');
      expect(printed(error)).not.toContain(API_KEY_SECRET);
    });
  });
});
