import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TwilioError } from '@twilio/voice-sdk';
import { AccessTokenError, describeReason, type AccessTokenErrorReason } from 'access-token-manager';
import { explainError, formatExplanation } from 'access-token-manager/inspect';
import { mintToken, signatureOf } from './support/tokens.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const require = createRequire(import.meta.url);
const shipped = (path: string): string => readFileSync(require.resolve(path), 'utf8');

/** The rows of src/sdkCodes.ts: each code with the reason it maps to (or undefined). */
function tableRows(): [code: number, reason: string | undefined][] {
  const source = read('src/sdkCodes.ts');
  const body = source.slice(source.indexOf('SDK_TOKEN_CODES'), source.indexOf('};'));
  return [...body.matchAll(/^\s+(\d{5}): (?:'([a-z-]+)'|undefined),/gm)].map((match) => [
    Number(match[1]),
    match[2],
  ]);
}

const { AuthorizationErrors, SignatureValidationErrors, getErrorByCode, hasErrorByCode } =
  TwilioError as unknown as {
    AuthorizationErrors: Record<string, new (cause?: object) => Error & { code: number }>;
    SignatureValidationErrors: Record<string, new () => Error & { code: number }>;
    getErrorByCode(code: number): { prototype: unknown } & (new () => { description: string });
    hasErrorByCode(code: number): boolean;
  };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the SDK token codes (src/sdkCodes.ts)', () => {
  const rows = tableRows();

  it('has the platform codes, the Voice JWT codes and the Sync and Twilsock token codes', () => {
    expect(rows.map(([code]) => code)).toEqual([
      20101, 20102, 20103, 20104, 20105, 20106, 20107, 20151, 20157, 31102, 31201, 31202, 31204, 31205, 31207,
      51007, 51130,
    ]);
  });

  it("takes each Voice code and name from the Voice SDK's shipped error classes", () => {
    for (const [code] of rows.filter(([code]) => code >= 31000 && code < 32000)) {
      expect(hasErrorByCode(code), String(code)).toBe(true);
      const { title } = explainError(code);
      expect(new (getErrorByCode(code))().description.replace(/\.$/, ''), String(code)).toBe(title);
    }
  });

  it("takes each platform and 51xxx code from Twilio's error dictionary as the SDKs ship it", () => {
    const dictionary = shipped('@twilio/voice-errors/dictionary.md');
    for (const [code] of rows.filter(([code]) => code < 31000 || code === 51007)) {
      const { title } = explainError(code);
      expect(dictionary.toLowerCase(), String(code)).toContain(`### ${code}: ${title}`.toLowerCase());
    }
    // Sync raises 51130 itself, when Twilsock refuses a token given to updateToken.
    expect(shipped('twilio-sync')).toContain(`SyncError('${explainError(51130).title}', 400, 51130)`);
    // Twilsock emits tokenExpired for a refusal with 20104.
    expect(shipped('twilsock')).toMatch(/"tokenExpiredSasCode", 20104\)/);
  });
});

describe(explainError, () => {
  it.each(tableRows())(
    'explains %i: meaning, causes, remedy, which SDK, in the vocabulary of AccessTokenError',
    (code, reason) => {
      const explanation = explainError(code);
      expect(explanation).toMatchObject({ status: 'error', isTokenError: true, code });
      expect(explanation.reason).toBe(reason ?? null);
      if (reason) {
        const core = describeReason(reason as AccessTokenErrorReason);
        expect(explanation.platformCode).toBe(core.code);
        // The same words as the AccessTokenError of that reason, or more where the SDK's code says more.
        expect(explanation.remedy.length).toBeGreaterThanOrEqual(20);
      } else {
        expect(explanation.platformCode === null || explanation.platformCode > 20100).toBe(true);
      }
      expect(explanation.meaning).toMatch(/\.$/);
      expect(explanation.causes.length).toBeGreaterThan(0);
      expect(explanation.remedy).toMatch(/token server|client code/);
      expect(explanation.raisedBy).not.toBe('');
    },
  );

  it('explains Voice 31204 as an invalid token (platform 20101), raised by the Voice SDK', () => {
    expect(explainError(31204)).toMatchObject({
      code: 31204,
      platformCode: 20101,
      reason: 'malformed',
      title: 'Invalid JWT token',
      raisedBy: 'Voice SDK',
    });
    expect(explainError(31205)).toMatchObject({ platformCode: 20104, reason: 'expired' });
    expect(explainError(31202)).toMatchObject({ platformCode: 20107, reason: null });
  });

  it('puts the most frequent cause of an expired token first: no new token before exp', () => {
    expect(explainError(20104).causes[0]).toMatch(/before exp/);
  });

  describe('reads what the SDKs and the API hand an app', () => {
    it.each<[string, () => unknown, number | null]>([
      ['a Voice TwilioError (31204)', () => new AuthorizationErrors.InvalidJWTTokenError!(), 31204],
      [
        "a Voice TwilioError the Device made from the signaling's 31204",
        () => new AuthorizationErrors.AccessTokenInvalid!({ code: 31204, message: 'Invalid JWT' }),
        20101,
      ],
      [
        'a Voice TwilioError as JSON',
        () => JSON.stringify(new AuthorizationErrors.JWTTokenExpiredError!()),
        31205,
      ],
      [
        'a Voice signature error',
        () => new SignatureValidationErrors.AccessTokenSignatureValidationFailed!(),
        31202,
      ],
      [
        "Twilsock's connectionError with a code",
        () => ({
          terminal: true,
          message: 'Connection error: token expired',
          httpStatusCode: 401,
          errorCode: 20104,
        }),
        20104,
      ],
      [
        'a SyncError',
        () =>
          Object.assign(new Error('Updated token was rejected by server (status: 400, code: 51130)'), {
            name: 'SyncError',
            status: 400,
            code: 51130,
          }),
        51130,
      ],
      ['the JSON of a SyncError', () => '{"code":51130,"status":400}', 51130],
      [
        'a REST error body',
        () => ({
          code: 20104,
          message: 'Access Token expired or expiration date invalid',
          more_info: 'https://www.twilio.com/docs/errors/20104',
          status: 401,
        }),
        20104,
      ],
      ['a number', () => 20157, 20157],
      ['a code as text', () => '31204', 31204],
      ['"Error 20104"', () => 'Error 20104', 20104],
      [
        'a TwilioError message',
        () => 'AccessTokenInvalid (20101): Twilio was unable to validate your Access Token',
        20101,
      ],
      [
        'a SyncError message',
        () => 'SyncError: Updated token was rejected by server (status: 400, code: 51130)',
        51130,
      ],
      ['a more_info link', () => 'https://www.twilio.com/docs/errors/20106', 20106],
      [
        "Conversations' initFailed",
        () => ({ error: { terminal: true, message: 'x', errorCode: 20103 } }),
        20103,
      ],
    ])('%s', (_name, input, code) => {
      const explanation = explainError(input());
      expect(explanation).toMatchObject({ isTokenError: true, status: 'error', code });
    });

    it('reads the client-rejected AccessTokenError an adapter reports: its facts.sdkCode, or its cause', () => {
      const cause = new AuthorizationErrors.JWTTokenExpiredError!();
      const withFacts = new AccessTokenError(
        'client-rejected',
        { client: 'voice', sdkCode: 31205 },
        { cause },
      );
      expect(explainError(withFacts)).toMatchObject({ code: 31205, reason: 'expired' });
      const withCause = new AccessTokenError('client-rejected', { client: 'voice' }, { cause });
      expect(explainError(withCause)).toMatchObject({ code: 31205, reason: 'expired' });
    });

    it("explains the 'denied' state of Conversations, Sync and Chat, and a connectionError without a code", () => {
      for (const denied of [
        'denied',
        { connectionState: 'denied' },
        { terminal: true, message: 'Connection error: Unauthorized', httpStatusCode: 401, errorCode: null },
      ]) {
        expect(explainError(denied)).toMatchObject({
          isTokenError: true,
          code: null,
          title: 'Connection denied',
          raisedBy: 'Conversations, Sync or Chat SDK',
        });
      }
      expect(explainError('denied').remedy).toContain('updateToken');
    });
  });

  describe('anything else', () => {
    it.each<[string, unknown, number | null]>([
      ['an unrelated Voice code', 31000, 31000],
      ['an unrelated code as text', 'Error 31009', 31009],
      [
        'a REST error of the Auth Token (20003), status 401',
        { code: 20003, status: 401, message: 'Authenticate' },
        20003,
      ],
      ['an app endpoint answering 401', { error: 'Unauthorized', status: 401 }, null],
      ['text that says denied', 'Permission denied by the user', null],
      ['an HTTP status', 401, null],
      ['nothing', undefined, null],
    ])('%s is not a token error', (_name, input, code) => {
      expect(explainError(input)).toMatchObject({ isTokenError: false, status: 'ok', code, causes: [] });
    });

    it("points to Twilio's dictionary for a code it does not explain", () => {
      expect(explainError(31000).remedy).toBe(
        "See Twilio's error dictionary: https://www.twilio.com/docs/api/errors/31000",
      );
    });

    it('says that an access token is no error, never repeating it', () => {
      const token = mintToken();
      const explanation = explainError(token);
      expect(explanation.meaning).toBe('This holds an access token, not an error.');
      expect(JSON.stringify(explanation)).not.toContain(token.split('.')[1]);
      expect(JSON.stringify(explainError(`{"token":"${token}"}`))).not.toContain(signatureOf(token));
    });

    it('never throws, whatever it is given, and never repeats the input', () => {
      const hostile = new Proxy(
        {},
        {
          get() {
            throw new Error('no');
          },
        },
      );
      expect(explainError(hostile)).toMatchObject({ isTokenError: false, code: null });
      fc.assert(
        fc.property(fc.oneof(fc.anything(), fc.string({ minLength: 12 }), fc.json()), (input) => {
          const explanation = explainError(input);
          const text = JSON.stringify(explanation);
          expect(['ok', 'error']).toContain(explanation.status);
          if (typeof input === 'string' && input.length >= 12 && !/^\d+$/.test(input.trim())) {
            expect(text).not.toContain(input);
          }
        }),
      );
    });
  });
});

describe(formatExplanation, () => {
  it('prints the code, which SDK, the meaning, the causes in order and the remedy', () => {
    const text = formatExplanation(explainError(31205));
    expect(text).toContain(
      'Twilio error 31205 · JWT token expired: an access token error (reason expired, code 20104).',
    );
    expect(text).toMatch(/Raised by\s+Voice SDK/);
    expect(text).toMatch(/Causes\s+1\. no new token handed to the SDK before exp\n\s+2\./);
    expect(text).toMatch(/Remedy\s+In your client code, fetch a new token/);
    expect(text).not.toContain('\u001b[');
    expect(formatExplanation(explainError(31205), { color: true })).toContain('\u001b[1m');
  });

  it('says plainly when it is not a token error', () => {
    expect(formatExplanation(explainError(31000))).toContain('Twilio error 31000 · Not a token error.');
  });
});

describe('client-rejected carrying an SDK code (facts.sdkCode)', () => {
  it('says in development what the code means and the remedy', () => {
    const error = new AccessTokenError('client-rejected', {
      client: 'voice',
      sdkCode: 31205,
      platformReason: 'expired',
    });
    expect(error.message).toBe(
      'Client "voice" refused the token: 31205 means it expired. In your client code, fetch a new token; ' +
        'if new ones arrive expired, check the server clock and ttl. ' +
        'npx access-token-manager explain 31205 lists the causes.',
    );
    const signature = new AccessTokenError('client-rejected', { client: 'sync', sdkCode: 51130 });
    expect(signature.message).toMatch(/51130 means Twilio could not authenticate it\..*explain 51130/);
  });

  it('keeps the short form in production, with the platform code the SDK code maps to', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const error = new AccessTokenError('client-rejected', {
      client: 'voice',
      sdkCode: 31205,
      platformReason: 'expired',
    });
    expect(error.message).toMatch(/^client-rejected \(code 20104\), worded in development builds\./);
    expect(error.facts).toMatchObject({ sdkCode: 31205, platformReason: 'expired' });
  });
});
