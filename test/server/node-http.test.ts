// The handler behind Node's own http server, as `npm start` serves it (scripts/token-server.js's
// handler through toNodeHandler), over a real socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAccessToken } from 'access-token-manager';
import { createTokenHandler, toNodeHandler } from 'access-token-manager/server';
import { createDemoTokenHandler, credentials } from '../../scripts/token-server.js';
import { options } from './support.js';

describe("createTokenHandler in Node's http server", () => {
  let server: Server;
  let base = '';
  // The app's session: a cookie naming the user, as a sign-in would set it.
  const handler = createTokenHandler(
    options({
      authorize: (request: Request) => {
        const user = /(?:^|; )user=(\w+)/.exec(request.headers.get('cookie') ?? '')?.[1];
        return user ? { identity: user, grants: { video: {} } } : null;
      },
    }),
  );
  let demoSignedIn = true;
  const demo = createDemoTokenHandler(credentials({}), {}, { isSignedIn: () => demoSignedIn });

  beforeAll(async () => {
    const [toHandler, toDemo] = [toNodeHandler(handler), toNodeHandler(demo)];
    server = createServer((req, res) => void (req.url?.startsWith('/demo') ? toDemo : toHandler)(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the signed-in user (from the cookie) with a token, never stored', async () => {
    const response = await fetch(`${base}/api/token?identity=mallory`, {
      headers: { cookie: 'a=1; user=alice' },
    });
    const body = (await response.json()) as { token: string; identity: string };

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.identity).toBe('alice');
    expect(decodeAccessToken(body.token).identity).toBe('alice');
  });

  it('answers 401 without a session, and 405 to PUT', async () => {
    expect((await fetch(`${base}/api/token`)).status).toBe(401);
    const put = await fetch(`${base}/api/token`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it("serves npm start's demo tokens: identity and ttl from the query (a demo only), chat and voice grants", async () => {
    const response = await fetch(`${base}/demo/token?identity=bob%20smith&ttl=300`);
    const { token, identity } = (await response.json()) as { token: string; identity: string };
    const decoded = decodeAccessToken(token);

    expect(identity).toBe('bob_smith');
    expect(decoded.grantNames).toEqual(['chat', 'voice']);
    expect(decoded.expires.getTime() - decoded.issuedAt!.getTime()).toBe(300_000);
  });

  it("answers 401 from createTokenHandler itself while npm start's demo is signed out, and tokens again after", async () => {
    demoSignedIn = false;
    try {
      const response = await fetch(`${base}/demo/token?identity=bob`);
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).not.toHaveProperty('token');
    } finally {
      demoSignedIn = true;
    }
    expect((await fetch(`${base}/demo/token?identity=bob`)).status).toBe(200);
  });
});
