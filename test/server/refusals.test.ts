// The handler never mints what its client refuses (#23 item 5), never answers 500 for a signed-out
// user (#23 item 4), answers 503 when authorize never settles, and marks every answer nosniff.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessTokenError, decodeAccessToken, MAX_TOKEN_LENGTH } from 'access-token-manager';
import { inspectAccessToken } from 'access-token-manager/inspect';
import { createTokenHandler, type TokenGrants } from 'access-token-manager/server';
import { CONVERSATIONS_SERVICE_SID, TWIML_APP_SID, options, tokenRequest } from './support.js';

/** A handler whose authorize returns `result`, and the errors it reported. */
function handlerReturning(result: unknown, overrides: Parameters<typeof options>[0] = {}) {
  const reported: unknown[] = [];
  const handler = createTokenHandler(
    options({ authorize: () => result, onError: (error: unknown) => reported.push(error), ...overrides }),
  );
  return { handler, reported };
}

const chat: TokenGrants = { conversations: { serviceSid: CONVERSATIONS_SERVICE_SID } };
const voice: TokenGrants = { voice: { outgoingApplicationSid: TWIML_APP_SID } };

describe(createTokenHandler, () => {
  describe('when authorize answers nobody', () => {
    it.each([
      ['undefined (a session lookup that found nothing)', undefined],
      ['null', null],
      ['false (user && {…})', false],
      ["'' (a session id that is empty)", ''],
      ['0', 0],
      ['a promise of undefined', Promise.resolve(undefined)],
    ])('answers 401 for %s, never 500, and reports nothing', async (_name, result) => {
      const { handler, reported } = handlerReturning(result);

      const response = await handler(tokenRequest());

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Not signed in.' });
      expect(reported).toEqual([]);
    });
  });

  describe('when authorize never settles', () => {
    it('answers 503 after authorizeTimeoutMs, with Retry-After, and reports a typed error', async () => {
      const { handler, reported } = handlerReturning(new Promise(() => {}), { authorizeTimeoutMs: 50 });
      const startedMs = Date.now();

      const response = await handler(tokenRequest());

      expect(response.status).toBe(503);
      expect(Date.now() - startedMs).toBeGreaterThanOrEqual(45);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).not.toHaveProperty('token');
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(AccessTokenError);
      expect((reported[0] as AccessTokenError).message).toContain('authorizeTimeoutMs (50 ms)');
    });

    it('answers in time when authorize settles before the bound', async () => {
      const later = new Promise((resolve) =>
        setTimeout(() => resolve({ identity: 'alice', grants: chat }), 10),
      );
      const { handler } = handlerReturning(later, { authorizeTimeoutMs: 1000 });

      expect((await handler(tokenRequest())).status).toBe(200);
    });
  });

  describe('every answer', () => {
    it.each([
      ['200', { identity: 'alice', grants: chat }, 'GET', 200],
      ['401', null, 'GET', 401],
      ['405', null, 'PUT', 405],
      ['500', 'alice', 'GET', 500],
    ])('carries X-Content-Type-Options: nosniff (%s)', async (_name, result, method, status) => {
      const { handler } = handlerReturning(result);

      const response = await handler(tokenRequest({ method }));

      expect(response.status).toBe(status);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  describe('what the client would refuse, refused per request (500, the rule in onError, never 200)', () => {
    it.each([
      ['a line break', 'alice\nbob', chat, 'without control characters', 'U+000A'],
      ['NUL', 'alice\u0000', chat, 'without control characters', 'U+0000'],
      ['a C1 control', 'alice\u0085', chat, 'without control characters', 'U+0085'],
      ['a lone surrogate', 'alice\ud800', chat, 'no lone surrogate', 'U+D800'],
      ['a right-to-left override', 'alice\u202egnp.exe', chat, 'without bidirectional marks', 'U+202E'],
      ['a left-to-right mark', '\u200ealice', chat, 'without bidirectional marks', 'U+200E'],
      ['a space, with Voice', 'alice smith', voice, 'letters, digits and underscores only', 'U+0020'],
      ['an @, with Voice', 'alice@example.com', voice, 'letters, digits and underscores only', 'U+0040'],
    ])('an identity with %s', async (_name, identity, grants, rule, shown) => {
      const { handler, reported } = handlerReturning({ identity, grants });

      const response = await handler(tokenRequest());

      expect(response.status).toBe(500);
      const error = reported[0] as AccessTokenError;
      expect(error).toMatchObject({
        reason: 'invalid-server-option',
        facts: { field: 'authorize().identity' },
      });
      expect(error.message).toContain(rule);
      expect(error.message).toContain(shown);
    });

    it('accepts an identity of any script without those characters', async () => {
      const { handler } = handlerReturning({ identity: 'Zoë 张伟 👩‍💻', grants: chat });

      const response = await handler(tokenRequest());

      expect(response.status).toBe(200);
      const { token } = (await response.json()) as { token: string };
      expect(decodeAccessToken(token).identity).toBe('Zoë 张伟 👩‍💻');
    });

    it.each([
      ['20,000 characters (over the limit before signing)', 20_000],
      ['12,000 characters (a token over the limit once signed)', 12_000],
    ])('an identity of %s: no token the client refuses as too-long', async (_name, length) => {
      const { handler, reported } = handlerReturning({ identity: 'a'.repeat(length), grants: chat });

      const response = await handler(tokenRequest());

      expect(response.status).toBe(500);
      expect(reported[0]).toMatchObject({ reason: 'invalid-server-option', facts: { field: 'authorize()' } });
      expect((reported[0] as AccessTokenError).message).toContain(`at most ${MAX_TOKEN_LENGTH} characters`);
    });

    it('an identity that makes a token of just under the limit is minted, and the client takes it', async () => {
      const { handler } = handlerReturning({ identity: 'a'.repeat(11_000), grants: chat });

      const response = await handler(tokenRequest());
      const { token } = (await response.json()) as { token: string };

      expect(response.status).toBe(200);
      expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
      expect(() => decodeAccessToken(token)).not.toThrow();
    });

    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
    ])('%s in Voice outgoingApplicationParams (the helper would sign it as null)', async (_name, value) => {
      const { handler, reported } = handlerReturning({
        identity: 'alice',
        grants: {
          voice: { outgoingApplicationSid: TWIML_APP_SID, outgoingApplicationParams: { team: value } },
        },
      });

      expect((await handler(tokenRequest())).status).toBe(500);
      expect(reported[0]).toMatchObject({
        facts: { field: 'authorize().grants.voice.outgoingApplicationParams' },
      });
      expect((reported[0] as AccessTokenError).message).toContain('finite numbers');
    });

    it.each([
      ['no workerSid', { workspaceSid: 'WS' + '1'.repeat(32) }, 'workerSid', 'missing'],
      [
        'a Worker SID as the Workspace',
        { workspaceSid: 'WK' + '1'.repeat(32), workerSid: 'WK' + '2'.repeat(32) },
        'workspaceSid',
        'starting with WK, not WS',
      ],
      [
        'an empty role',
        { workspaceSid: 'WS' + '1'.repeat(32), workerSid: 'WK' + '2'.repeat(32), role: '' },
        'role',
        'a role name',
      ],
    ])('a TaskRouter grant with %s', async (_name, taskRouter, key, rule) => {
      const { handler, reported } = handlerReturning({ identity: 'alice', grants: { taskRouter } });

      expect((await handler(tokenRequest())).status).toBe(500);
      expect(reported[0]).toMatchObject({ facts: { field: `authorize().grants.taskRouter.${key}` } });
      expect((reported[0] as AccessTokenError).message).toContain(rule);
    });
  });

  describe('the server and its client, by one table of rules (property)', () => {
    it('a 200 carries a token decodeAccessToken takes and the doctor finds no error in; else no token', async () => {
      const identity = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 24 }),
        fc.string({ unit: 'binary', maxLength: 24 }),
        fc.string({
          unit: fc.constantFrom('\u202e', '\u200f', '\u0007', '\ud800', 'a', '_', ' '),
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 14_000 }).map((length) => 'a'.repeat(length)),
      );
      const withVoice = fc.boolean();
      const ttl = fc.oneof(fc.integer({ min: -10, max: 90_000 }), fc.constantFrom(180, 86_400, 86_401, 179));
      await fc.assert(
        fc.asyncProperty(identity, withVoice, ttl, async (name, voiceGrant, seconds) => {
          const grants: TokenGrants = voiceGrant ? voice : chat;
          const { handler, reported } = handlerReturning({ identity: name, grants, ttl: seconds });

          const response = await handler(tokenRequest());
          const body = (await response.json()) as { token?: string };

          if (response.status === 200) {
            expect(() => decodeAccessToken(body.token)).not.toThrow();
            const report = inspectAccessToken(body.token, { forSdk: voiceGrant ? 'voice' : 'conversations' });
            expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
          } else {
            expect([401, 500]).toContain(response.status);
            expect(body).not.toHaveProperty('token');
            if (response.status === 500) expect(reported[0]).toBeInstanceOf(AccessTokenError);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
