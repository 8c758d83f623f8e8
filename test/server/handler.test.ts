// The token endpoint in Node: what each answer is (200 with the token, 401 for nobody signed in, 500
// with nothing of the cause), that the app hears about every 500, and that the identity comes only
// from authorize. The same handler in an edge runtime: edge.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessTokenError, decodeAccessToken } from 'access-token-manager';
import {
  createTokenHandler,
  type TokenAuthorization,
  type TokenResponseBody,
} from 'access-token-manager/server';
import { HOSTILE } from '../support/hostile.js';
import {
  API_KEY_SECRET,
  CONVERSATIONS_SERVICE_SID,
  TWIML_APP_SID,
  claimsOf,
  options,
  tokenRequest,
} from './support.js';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');

afterEach(() => {
  vi.useRealTimers();
});

/** A handler whose authorize returns `result`, and the errors it reported. */
function handlerReturning(result: unknown, overrides: Parameters<typeof options>[0] = {}) {
  const reported: unknown[] = [];
  const handler = createTokenHandler(
    options({ authorize: () => result, onError: (error: unknown) => reported.push(error), ...overrides }),
  );
  return { handler, reported };
}

const alice: TokenAuthorization = {
  identity: 'alice',
  grants: { conversations: { serviceSid: CONVERSATIONS_SERVICE_SID } },
};

describe(createTokenHandler, () => {
  describe('when authorize returns a user', () => {
    it('answers 200 with { token, identity, expiresAt }, JSON and never stored', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const { handler } = handlerReturning(alice);

      const response = await handler(tokenRequest());
      const body = (await response.json()) as TokenResponseBody;

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(body).toEqual({
        token: expect.any(String),
        identity: 'alice',
        expiresAt: '2026-03-01T10:00:00.000Z',
      });
      expect(Object.keys(body)).toEqual(['token', 'identity', 'expiresAt']);
    });

    it('mints a token the core accepts, for that identity, with the handler ttl', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const { handler } = handlerReturning(alice, { ttl: 600 });

      const { token } = (await (await handler(tokenRequest())).json()) as TokenResponseBody;
      const decoded = decodeAccessToken(token, { nowMs: T0 });

      expect(decoded.identity).toBe('alice');
      expect(decoded.expires.getTime() - decoded.issuedAt!.getTime()).toBe(600_000);
      expect(decoded.grantNames).toEqual(['chat']);
    });

    it('signs with the header Twilio reads: HS256, typ JWT, cty twilio-fpa;v=1', async () => {
      const { handler } = handlerReturning(alice);

      const { token } = (await (await handler(tokenRequest())).json()) as TokenResponseBody;

      expect(claimsOf(token).header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    });

    it('takes a ttl from authorize for this token, checked as the handler ttl is', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const short = handlerReturning({ ...alice, ttl: 300 });
      const body = (await (await short.handler(tokenRequest())).json()) as TokenResponseBody;
      expect(body.expiresAt).toBe('2026-03-01T09:05:00.000Z');

      const inMs = handlerReturning({ ...alice, ttl: 300_000 });
      expect((await inMs.handler(tokenRequest())).status).toBe(500);
      expect(inMs.reported[0]).toMatchObject({ reason: 'ttl-too-long', facts: { unit: 'ttl-in-ms' } });
    });

    it('awaits an async authorize and answers POST as GET', async () => {
      const handler = createTokenHandler(options({ authorize: async () => alice }));

      const response = await handler(tokenRequest({ method: 'POST', body: '{}' }));

      expect(response.status).toBe(200);
    });

    it('passes the request to authorize, which reads the session from it', async () => {
      const authorize = vi.fn((request: Request) =>
        request.headers.get('cookie') === 'session=alice-session' ? alice : null,
      );
      const handler = createTokenHandler(options({ authorize }));

      expect((await handler(tokenRequest({ headers: { cookie: 'session=alice-session' } }))).status).toBe(
        200,
      );
      expect((await handler(tokenRequest({ headers: { cookie: 'session=expired' } }))).status).toBe(401);
      expect(authorize).toHaveBeenCalledTimes(2);
    });

    it('never takes the identity from the query string or the body', async () => {
      const { handler } = handlerReturning(alice);

      const response = await handler(
        tokenRequest(
          { method: 'POST', body: JSON.stringify({ identity: 'mallory' }) },
          '/api/token?identity=mallory',
        ),
      );
      const { identity, token } = (await response.json()) as TokenResponseBody;

      expect(identity).toBe('alice');
      expect(decodeAccessToken(token).identity).toBe('alice');
    });

    it('mints a new token for each request (nothing cached)', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const { handler } = handlerReturning(alice);
      const first = (await (await handler(tokenRequest())).json()) as TokenResponseBody;
      vi.setSystemTime(T0 + 1000);
      const second = (await (await handler(tokenRequest())).json()) as TokenResponseBody;

      expect(second.token).not.toBe(first.token);
    });

    it('keeps using the options read when it was made, whatever happens to the object later', async () => {
      const given = options({ authorize: () => alice });
      const handler = createTokenHandler(given);
      Object.assign(given, { authorize: () => null, apiKeySecret: 'changed' });

      expect((await handler(tokenRequest())).status).toBe(200);
    });
  });

  describe('when authorize returns null (nobody signed in)', () => {
    it('answers 401, JSON, never stored, without a token, and reports nothing', async () => {
      const { handler, reported } = handlerReturning(null);

      const response = await handler(tokenRequest());

      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error: 'Not signed in.' });
      expect(reported).toEqual([]);
    });
  });

  describe('when authorize throws', () => {
    it('answers 500 with nothing of the error, and gives the error, as thrown, to onError', async () => {
      const failure = new Error(`database password hunter2 at db.internal:5432 (secret ${API_KEY_SECRET})`);
      const onError = vi.fn();
      const request = tokenRequest();
      const handler = createTokenHandler(
        options({
          authorize: () => {
            throw failure;
          },
          onError,
        }),
      );

      const response = await handler(request);
      const text = await response.text();

      expect(response.status).toBe(500);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(API_KEY_SECRET);
      expect(JSON.parse(text)).toEqual({ error: 'The token server failed; its logs have the cause.' });
      expect(onError).toHaveBeenCalledExactlyOnceWith(failure, request);
    });

    it('does the same for an authorize that rejects', async () => {
      const { handler, reported } = handlerReturning(Promise.reject(new Error('session store down')));

      expect((await handler(tokenRequest())).status).toBe(500);
      expect(reported).toEqual([new Error('session store down')]);
    });

    it('logs the error with console.error when the app gives no onError', async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const failure = new Error('session store down');
      const handler = createTokenHandler({
        ...options(),
        onError: undefined,
        authorize: () => {
          throw failure;
        },
      });

      expect((await handler(tokenRequest())).status).toBe(500);
      expect(log).toHaveBeenCalledOnce();
      expect(log.mock.calls[0]).toContain(failure);
      expect(log.mock.calls.flat().join(' ')).not.toContain(API_KEY_SECRET);
    });

    it('still answers 500 when an async onError rejects, leaving no unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const collect = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', collect);
      try {
        const handler = createTokenHandler(
          options({
            authorize: () => {
              throw new Error('first');
            },
            onError: async () => {
              throw new Error('logging service down');
            },
          }),
        );

        expect((await handler(tokenRequest())).status).toBe(500);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', collect);
      }
    });

    it('still answers 500 when onError throws too', async () => {
      const handler = createTokenHandler(
        options({
          authorize: () => {
            throw new Error('first');
          },
          onError: () => {
            throw new Error('second');
          },
        }),
      );

      expect((await handler(tokenRequest())).status).toBe(500);
    });
  });

  describe('when authorize returns something else than a user or null', () => {
    it.each<[string, unknown, Record<string, unknown>]>([
      ['an identity string', 'alice', { facts: { field: 'authorize()' } }],
      ['no identity', { grants: alice.grants }, { facts: { field: 'authorize().identity' } }],
      ['an empty identity', { ...alice, identity: '' }, { facts: { field: 'authorize().identity' } }],
      ['a numeric identity', { ...alice, identity: 42 }, { facts: { field: 'authorize().identity' } }],
      ['no grants', { identity: 'alice' }, { facts: { field: 'authorize().grants' } }],
      ['empty grants', { identity: 'alice', grants: {} }, { reason: 'missing-grants', code: 20106 }],
      [
        'an unknown grant',
        { identity: 'alice', grants: { dataSync: {} } },
        { facts: { field: 'authorize().grants.dataSync' } },
      ],
      [
        'conversations and chat both',
        { identity: 'alice', grants: { conversations: {}, chat: {} } },
        { facts: { field: 'authorize().grants.chat' } },
      ],
      [
        'a grant that is not an object',
        { identity: 'alice', grants: { video: true } },
        { facts: { field: 'authorize().grants.video' } },
      ],
      [
        'a Service SID of the wrong kind',
        { identity: 'alice', grants: { conversations: { serviceSid: TWIML_APP_SID } } },
        { facts: { field: 'authorize().grants.conversations.serviceSid' } },
      ],
      [
        'Voice params without the TwiML App',
        { identity: 'alice', grants: { voice: { outgoingApplicationParams: { mode: 'test' } } } },
        { facts: { field: 'authorize().grants.voice.outgoingApplicationParams' } },
      ],
      [
        'Voice params that are not strings, numbers or booleans',
        {
          identity: 'alice',
          grants: { voice: { outgoingApplicationSid: TWIML_APP_SID, outgoingApplicationParams: { a: {} } } },
        },
        { facts: { field: 'authorize().grants.voice.outgoingApplicationParams' } },
      ],
      [
        'a Voice grant for an identity with characters Voice refuses',
        { identity: 'alice@example.com', grants: { voice: { incomingAllow: true } } },
        { facts: { field: 'authorize().identity' } },
      ],
      ['a ttl below 3 minutes', { ...alice, ttl: 60 }, { facts: { field: 'authorize().ttl' } }],
    ])('answers 500 and reports a typed error for %s', async (_name, result, expected) => {
      const { handler, reported } = handlerReturning(result);

      const response = await handler(tokenRequest());

      expect(response.status).toBe(500);
      expect(await response.json()).not.toHaveProperty('token');
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(AccessTokenError);
      expect(reported[0]).toMatchObject({ reason: 'invalid-server-option', ...expected });
      expect((reported[0] as AccessTokenError).remedy).toMatch(/^On your token server, /);
    });

    it('does not quote the identity it refuses (it is user data)', async () => {
      const { handler, reported } = handlerReturning({
        identity: 'alice@example.com',
        grants: { voice: { incomingAllow: true } },
      });
      await handler(tokenRequest());

      expect(JSON.stringify((reported[0] as AccessTokenError).facts)).not.toContain('alice@example.com');
    });

    it.each(Object.entries(HOSTILE))('answers 500 with a typed error for %s', async (_name, make) => {
      const { handler, reported } = handlerReturning(make());

      expect((await handler(tokenRequest())).status).toBe(500);
      expect(reported[0]).toBeInstanceOf(AccessTokenError);
    });

    it.each(Object.entries(HOSTILE))(
      'answers 500 with a typed error for grants that are %s',
      async (_name, make) => {
        const { handler, reported } = handlerReturning({ identity: 'alice', grants: make() });

        expect((await handler(tokenRequest())).status).toBe(500);
        expect(reported[0]).toBeInstanceOf(AccessTokenError);
      },
    );
  });

  describe('other methods', () => {
    it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
      'answers %s with 405 and Allow: GET, POST, without calling authorize',
      async (method) => {
        const authorize = vi.fn(() => alice);
        const handler = createTokenHandler(options({ authorize }));

        const response = await handler(tokenRequest({ method }));

        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, POST');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(authorize).not.toHaveBeenCalled();
      },
    );
  });

  describe('grants', () => {
    it('writes each product grant as the platform reads it, in the order given', async () => {
      const { handler } = handlerReturning({
        identity: 'alice_1',
        grants: {
          voice: {
            incomingAllow: true,
            outgoingApplicationSid: TWIML_APP_SID,
            outgoingApplicationParams: { mode: 'test', retries: 2 },
          },
          conversations: { serviceSid: CONVERSATIONS_SERVICE_SID },
          sync: { serviceSid: 'default' },
          video: { room: 'standup' },
        },
      });

      const { token } = (await (await handler(tokenRequest())).json()) as TokenResponseBody;
      const { grants } = claimsOf(token).payload;

      expect(JSON.stringify(grants)).toBe(
        JSON.stringify({
          identity: 'alice_1',
          voice: {
            incoming: { allow: true },
            outgoing: { application_sid: TWIML_APP_SID, params: { mode: 'test', retries: 2 } },
          },
          chat: { service_sid: CONVERSATIONS_SERVICE_SID },
          data_sync: { service_sid: 'default' },
          video: { room: 'standup' },
        }),
      );
    });

    it('leaves out what was not given: an empty grant, incomingAllow false, undefined options', async () => {
      const { handler } = handlerReturning({
        identity: 'alice',
        grants: { video: {}, voice: { incomingAllow: false, pushCredentialSid: undefined }, chat: undefined },
      });

      const { token } = (await (await handler(tokenRequest())).json()) as TokenResponseBody;

      expect(claimsOf(token).payload.grants).toEqual({ identity: 'alice', video: {}, voice: {} });
    });
  });
});
