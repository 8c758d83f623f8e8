import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessTokenError, decodeAccessToken, describeReason } from 'access-token-manager';
import { inspectAccessToken } from 'access-token-manager/inspect';

// Node reads process.env.NODE_ENV when an error is made, as a bundler's replacement would fix it
// at build time; test/bundlers/run.js checks the builds themselves.
/** Where a production message points: the reason's row of the README's Troubleshooting table. */
const pointer = (anchor: string): string =>
  `See https://www.npmjs.com/package/access-token-manager#${anchor} or run npx access-token-manager inspect.`;

const refusal = (): AccessTokenError => {
  try {
    decodeAccessToken('not a token');
  } catch (error) {
    if (error instanceof AccessTokenError) return error;
  }
  throw new Error('decodeAccessToken accepted "not a token"');
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe(AccessTokenError, () => {
  describe('in a production build', () => {
    it('names the reason, the code and where the full explanation is, and keeps the facts and cause', () => {
      vi.stubEnv('NODE_ENV', 'production');
      const cause = new Error('socket closed');
      const error = new AccessTokenError('client-rejected', { client: 'voice' }, { cause });
      expect(error.message).toBe(
        `client-rejected (code 0), worded in development builds. ${pointer('client-rejected')}`,
      );
      expect(error.remedy).toBe(pointer('client-rejected'));
      expect(error).toMatchObject({ code: 0, reason: 'client-rejected', facts: { client: 'voice' }, cause });

      const refused = refusal();
      expect(refused.message).toBe(
        `malformed (code 20101), worded in development builds. ${pointer('malformed')}`,
      );
      expect(refused).toMatchObject({ code: 20101, reason: 'malformed' });
      expect(refused.facts.received).toBe('a string of 11 characters in 1 part');
    });

    it('words describeReason the same short way', () => {
      vi.stubEnv('NODE_ENV', 'production');
      expect(describeReason('expired', { atMs: 0, nowMs: 60_000 })).toEqual({
        code: 20104,
        message: 'expired (code 20104), worded in development builds.',
        remedy: pointer('expired'),
      });
    });

    it('leaves the inspector its full wording', () => {
      vi.stubEnv('NODE_ENV', 'production');
      expect(inspectAccessToken('not a token').findings[0]).toMatchObject({
        reason: 'malformed',
        message: 'Expected a JWT (three base64url parts), got a string of 11 characters in 1 part.',
      });
    });
  });

  describe('in development, in tests and in Node without NODE_ENV', () => {
    it('has the full wording', () => {
      for (const mode of ['development', 'test', '']) {
        vi.stubEnv('NODE_ENV', mode);
        expect(refusal().message).toBe(
          'Expected a JWT (three base64url parts), got a string of 11 characters in 1 part. ' +
            'In your client code, pass the token as minted: no quotes, Bearer, spaces, or error page.',
        );
      }
    });
  });
});
