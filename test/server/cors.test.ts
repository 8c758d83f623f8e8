// CORS, for a token route on another origin than the page: off by default; an allowed origin gets
// its preflight answered and every answer echoes it exactly with Vary: Origin; a disallowed origin
// gets no CORS header at all.
import { describe, expect, it } from 'vitest';
import { createTokenHandler, type TokenCorsOptions } from 'access-token-manager/server';
import { options, tokenRequest } from './support.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

const handlerWith = (cors: TokenCorsOptions | undefined, signedIn = true) =>
  createTokenHandler(
    options({
      cors,
      authorize: () => (signedIn ? { identity: 'alice', grants: { video: {} } } : null),
    }),
  );

/** A browser's preflight for `fetch(url, { credentials: 'include', headers: { authorization } })`. */
const preflight = (origin: string, headers = 'authorization') =>
  tokenRequest({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': headers,
    },
  });

function corsHeaders(response: Response): Record<string, string> {
  const found: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) found[name] = value;
  });
  return found;
}

describe('createTokenHandler cors', () => {
  describe('off (the default)', () => {
    it('answers OPTIONS 405 and adds no CORS header, whatever the Origin', async () => {
      const handler = handlerWith(undefined);

      const answered = await handler(preflight(APP));
      const got = await handler(tokenRequest({ headers: { origin: APP } }));

      expect(answered.status).toBe(405);
      expect(corsHeaders(answered)).toEqual({});
      expect(got.status).toBe(200);
      expect(corsHeaders(got)).toEqual({});
    });
  });

  describe('an allowed origin', () => {
    it('gets its preflight answered: 204, the methods, the headers it asked for, credentials', async () => {
      const handler = handlerWith({ origins: [APP], credentials: true });

      const response = await handler(preflight(APP, 'authorization, x-csrf-token'));

      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(corsHeaders(response)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'authorization, x-csrf-token',
        'access-control-max-age': '600',
      });
      expect(response.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it.each([
      ['the token (200)', true, 200],
      ['401 when signed out, so fromEndpoint can read the session ended', false, 401],
    ])('has its exact origin echoed on %s, with Vary: Origin', async (_name, signedIn, status) => {
      const handler = handlerWith({ origins: [APP], credentials: true }, signedIn);

      const response = await handler(tokenRequest({ headers: { origin: APP } }));

      expect(response.status).toBe(status);
      expect(corsHeaders(response)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
      });
      expect(response.headers.get('vary')).toBe('Origin');
    });

    it('has Retry-After exposed on a 503, so that fromEndpoint on the page can wait as it says', async () => {
      const handler = createTokenHandler(
        options({
          cors: { origins: [APP], credentials: true },
          authorize: () => new Promise<never>(() => {}), // a session store that hangs
          authorizeTimeoutMs: 1,
          onError: () => {},
        }),
      );

      const response = await handler(tokenRequest({ headers: { origin: APP } }));

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(corsHeaders(response)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'Retry-After',
      });
    });

    it('without credentials: no Access-Control-Allow-Credentials', async () => {
      const handler = handlerWith({ origins: [APP] });

      const response = await handler(tokenRequest({ headers: { origin: APP } }));

      expect(corsHeaders(response)).toEqual({ 'access-control-allow-origin': APP });
    });

    it('allowed by a function (sync or async), echoed exactly', async () => {
      const seen: string[] = [];
      const handler = handlerWith({
        origins: async (origin) => {
          seen.push(origin);
          return origin.endsWith('.example.com');
        },
        credentials: true,
      });

      const response = await handler(tokenRequest({ headers: { origin: 'https://eu.example.com' } }));

      expect(response.headers.get('access-control-allow-origin')).toBe('https://eu.example.com');
      expect(seen).toEqual(['https://eu.example.com']);
    });

    it('a wildcard without credentials echoes the origin, never "*"', async () => {
      const handler = handlerWith({ origins: ['*'] });

      const response = await handler(tokenRequest({ headers: { origin: EVIL } }));

      expect(response.headers.get('access-control-allow-origin')).toBe(EVIL);
    });
  });

  describe('a disallowed origin', () => {
    it('gets no CORS header on its preflight (403) nor on its request, only Vary: Origin', async () => {
      const handler = handlerWith({ origins: [APP], credentials: true });

      const answered = await handler(preflight(EVIL));
      const got = await handler(tokenRequest({ headers: { origin: EVIL } }));

      expect(answered.status).toBe(403);
      expect(corsHeaders(answered)).toEqual({});
      expect(corsHeaders(got)).toEqual({});
      expect(got.headers.get('vary')).toBe('Origin');
    });

    it.each([
      ['another scheme', 'http://app.example.com'],
      ['another port', 'https://app.example.com:8443'],
      ['a subdomain', 'https://x.app.example.com'],
      ['the string "null" (a sandboxed frame)', 'null'],
    ])('is told apart from an allowed one: %s', async (_name, origin) => {
      const handler = handlerWith({ origins: [APP], credentials: true });

      const response = await handler(tokenRequest({ headers: { origin } }));

      expect(corsHeaders(response)).toEqual({});
    });

    it('is one whose check throws', async () => {
      const handler = handlerWith({
        origins: () => {
          throw new Error('allow-list service down');
        },
      });

      const response = await handler(tokenRequest({ headers: { origin: APP } }));

      expect(corsHeaders(response)).toEqual({});
    });
  });

  it('a request without Origin (same origin, curl) gets its answer with Vary: Origin only', async () => {
    const handler = handlerWith({ origins: [APP], credentials: true });

    const response = await handler(tokenRequest());

    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual({});
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('answers a non-preflight OPTIONS 405, naming OPTIONS among the methods', async () => {
    const handler = handlerWith({ origins: [APP] });

    const response = await handler(tokenRequest({ method: 'OPTIONS', headers: { origin: APP } }));

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });
});
