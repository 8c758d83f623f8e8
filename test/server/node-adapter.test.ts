// toNodeHandler: the token handler in Express 5 and in node:http, over a real socket on 127.0.0.1.
// What authorize sees: the method, the real URL (the proxy's scheme and host only when trusted),
// the headers and cookies, and through its context what the app's middleware put on req.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAccessToken } from 'access-token-manager';
import {
  createTokenHandler,
  toNodeHandler,
  type NodeIncomingRequest,
  type NodeRequestContext,
} from 'access-token-manager/server';
import { options } from './support.js';

/** What the app's auth middleware adds to Express's request. */
type SignedInRequest = express.Request & { user?: { id: string } };

interface Seen {
  url: string;
  method: string;
  cookie: string | null;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('toNodeHandler in Express 5', () => {
  const seen: Seen[] = [];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    // authorize reaches req.user through its context, typed by createTokenHandler's parameter.
    const handler = createTokenHandler<NodeRequestContext<SignedInRequest>>({
      ...options({ cors: { origins: ['https://app.example.com'], credentials: true } }),
      authorize: (request, { req }) => {
        seen.push({ url: request.url, method: request.method, cookie: request.headers.get('cookie') });
        return req.user ? { identity: req.user.id, grants: { video: {} } } : null;
      },
    });
    const app = express();
    // The app's own sign-in: a session cookie naming the user, read by its middleware.
    app.use((req: SignedInRequest, _res, next) => {
      const user = /(?:^|; )session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
      if (user !== undefined) req.user = { id: user };
      next();
    });
    const api = express.Router();
    api.all('/token', toNodeHandler(handler));
    app.use('/api', api);
    app.set('trust proxy', true);
    app.all('/proxied/token', toNodeHandler(handler, { trustProxy: true }));
    server = createServer(app);
    base = await listen(server);
  });

  afterAll(() => close(server));

  it('answers 200 with a token for the user the middleware put on req.user, never stored', async () => {
    const response = await fetch(`${base}/api/token?identity=mallory`, {
      headers: { cookie: 'theme=dark; session=alice' },
    });
    const body = (await response.json()) as { token: string; identity: string };

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(body.identity).toBe('alice');
    expect(decodeAccessToken(body.token).identity).toBe('alice');
  });

  it('answers 401 without a session', async () => {
    const response = await fetch(`${base}/api/token`);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Not signed in.' });
  });

  it("hands authorize the request's method, cookies and full URL (mounted under /api)", async () => {
    seen.length = 0;
    await fetch(`${base}/api/token?x=1`, { method: 'POST', headers: { cookie: 'session=bob; a=b' } });

    expect(seen).toEqual([{ url: `${base}/api/token?x=1`, method: 'POST', cookie: 'session=bob; a=b' }]);
  });

  it('ignores X-Forwarded-Proto and -Host unless the app trusts a proxy', async () => {
    seen.length = 0;
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tokens.example.com' };
    await fetch(`${base}/api/token`, { headers: forwarded });
    await fetch(`${base}/proxied/token`, { headers: forwarded });

    expect(seen.map(({ url }) => url)).toEqual([
      `${base}/api/token`,
      'https://tokens.example.com/proxied/token',
    ]);
  });

  it("answers a cross-origin preflight and echoes the page's origin, through Express's router", async () => {
    const origin = 'https://app.example.com';
    const answered = await fetch(`${base}/api/token`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    const got = await fetch(`${base}/api/token`, { headers: { origin, cookie: 'session=alice' } });

    expect(answered.status).toBe(204);
    expect(answered.headers.get('access-control-allow-origin')).toBe(origin);
    expect(answered.headers.get('access-control-allow-credentials')).toBe('true');
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe(origin);
    expect(got.headers.get('vary')).toBe('Origin');
  });
});

describe('toNodeHandler in node:http', () => {
  const urls: string[] = [];
  let plain: Server;
  let trusting: Server;
  let plainBase = '';
  let trustingBase = '';

  beforeAll(async () => {
    const handler = createTokenHandler(
      options({
        authorize: (request: Request) => {
          urls.push(request.url);
          const user = /(?:^|; )user=(\w+)/.exec(request.headers.get('cookie') ?? '')?.[1];
          return user ? { identity: user, grants: { video: {} } } : undefined;
        },
      }),
    );
    plain = createServer(toNodeHandler(handler));
    trusting = createServer(toNodeHandler(handler, { trustProxy: true }));
    plainBase = await listen(plain);
    trustingBase = await listen(trusting);
  });

  afterAll(async () => {
    await close(plain);
    await close(trusting);
  });

  it('answers 200 for the cookie, and 401 (not 500) for an authorize that returns undefined', async () => {
    const signedIn = await fetch(`${plainBase}/token`, { headers: { cookie: 'user=carol' } });
    const signedOut = await fetch(`${plainBase}/token`);

    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { identity: string }).identity).toBe('carol');
    expect(signedOut.status).toBe(401);
  });

  it('builds the URL with http, never the forwarded https, when no proxy is trusted', async () => {
    urls.length = 0;
    await fetch(`${plainBase}/token?a=1`, { headers: { 'x-forwarded-proto': 'https' } });

    expect(urls).toEqual([`${plainBase}/token?a=1`]);
  });

  it('takes the first forwarded scheme and host behind a trusted proxy chain', async () => {
    urls.length = 0;
    await fetch(`${trustingBase}/token`, {
      headers: { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'id.example.com, lb.internal' },
    });

    expect(urls).toEqual(['https://id.example.com/token']);
  });

  it('falls back to the Host header when a forwarded host is no host (a URL trick)', async () => {
    urls.length = 0;
    await fetch(`${trustingBase}/token`, {
      headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example/@x' },
    });

    expect(urls).toEqual([`${trustingBase}/token`]);
  });

  describe('the standard Forwarded header (RFC 7239)', () => {
    /** The URL authorize saw for one request with these headers. */
    async function urlSeen(base: string, headers: Record<string, string>): Promise<string | undefined> {
      urls.length = 0;
      await fetch(`${base}/token`, { headers });
      return urls[0];
    }

    it("takes proto= and host= of the first element (the client's side), quoted or not, when trusted", async () => {
      const chain =
        'for=192.0.2.60;proto=https;host="id.example.com:8443", for=10.0.0.1;proto=http;host=lb.internal';

      expect(await urlSeen(trustingBase, { forwarded: chain })).toBe('https://id.example.com:8443/token');
      expect(
        await urlSeen(trustingBase, { forwarded: 'Proto="HTTPS";Host="[2001:db8::1]:8080";for="_hidden"' }),
      ).toBe('https://[2001:db8::1]:8080/token');
    });

    it('ignores it when no proxy is trusted', async () => {
      expect(await urlSeen(plainBase, { forwarded: 'proto=https;host=tokens.example.com' })).toBe(
        `${plainBase}/token`,
      );
    });

    it('ignores an element that is malformed or names a parameter twice, and a host that is no host', async () => {
      for (const forwarded of [
        'proto=https host=tokens.example.com',
        'proto=https;proto=http;host=a.example',
        'proto="https',
      ]) {
        expect(await urlSeen(trustingBase, { forwarded }), forwarded).toBe(`${trustingBase}/token`);
      }
      expect(await urlSeen(trustingBase, { forwarded: 'proto=javascript;host="evil.example/@x"' })).toBe(
        `${trustingBase}/token`,
      );
    });

    it('yields to X-Forwarded-Proto and -Host, the headers most proxies set', async () => {
      const headers = {
        forwarded: 'proto=http;host=standard.example.com',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'de-facto.example.com',
      };

      expect(await urlSeen(trustingBase, headers)).toBe('https://de-facto.example.com/token');
      expect(
        await urlSeen(trustingBase, { forwarded: 'host=standard.example.com', 'x-forwarded-proto': 'https' }),
      ).toBe('https://standard.example.com/token');
    });
  });

  it('answers 405 to PUT with its Allow header, and never reads a body', async () => {
    const response = await fetch(`${plainBase}/token`, { method: 'PUT', body: 'x'.repeat(100_000) });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 405 to TRACE, a method a Fetch Request cannot even carry, with its Allow header, never 500', async () => {
    const answer = await new Promise<{ status: number | undefined; allow: string | undefined }>(
      (resolve, reject) => {
        const sent = httpRequest(`${plainBase}/token`, { method: 'TRACE' }, (response) => {
          response.resume();
          resolve({ status: response.statusCode, allow: response.headers.allow });
        });
        sent.on('error', reject);
        sent.end();
      },
    );

    expect(answer).toEqual({ status: 405, allow: 'GET, POST' });
  });
});

describe("toNodeHandler given a framework's own request (Fastify's request, not request.raw)", () => {
  it('reads its method, URL, headers and socket, and hands authorize that object with what plugins put on it', async () => {
    /** Fastify's request, as its plugins leave it: Node's fields copied, `raw`, and `user` beside them. */
    type FrameworkRequest = NodeIncomingRequest & { raw: IncomingMessage; user?: { id: string } | undefined };
    const handler = createTokenHandler<NodeRequestContext<FrameworkRequest>>({
      ...options(),
      authorize: (_request, { req }) => (req.user ? { identity: req.user.id, grants: { video: {} } } : null),
    });
    const listener = toNodeHandler(handler);
    const server = createServer((raw, res) => {
      const { method, url, headers, socket } = raw;
      const user = headers.cookie === 'session=dana' ? { id: 'dana' } : undefined;
      void listener({ method, url, originalUrl: url, headers, socket, raw, user }, res);
    });
    const base = await listen(server);

    const signedIn = await fetch(`${base}/api/token`, { headers: { cookie: 'session=dana' } });
    const signedOut = await fetch(`${base}/api/token`);
    await close(server);

    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { identity: string }).identity).toBe('dana');
    expect(signedOut.status).toBe(401);
  });
});
