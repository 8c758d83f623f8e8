/**
 * A real token endpoint on loopback for the `fromEndpoint` suites: each path answers one way a
 * token server does (a token, JSON, a login page, an error, silence, a dropped connection), and
 * `/token` answers as the test says at the moment (`server.answer`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintToken } from './tokens.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const html = (res: ServerResponse, status: number, title: string) =>
  res
    .writeHead(status, { 'content-type': 'text/html' })
    .end(`<!doctype html><html><head><title>${title}</title></head><body><form>…</form></body></html>`);

/** What each path answers. */
export const ROUTES: Record<string, Handler> = {
  '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${mintToken()}\n`),
  '/json': (_req, res) => json(res, 200, { token: mintToken(), identity: 'alice' }),
  '/json-string': (_req, res) => json(res, 200, mintToken()),
  '/nested': (_req, res) => json(res, 200, { data: { jwt: mintToken() } }),
  '/no-token': (_req, res) => json(res, 200, { error: 'no session', identity: 'alice' }),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/bad-json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token": '),
  '/html': (_req, res) => html(res, 200, 'Welcome to the app'),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/login' }).end(),
  '/login': (_req, res) => html(res, 200, 'Sign in'),
  '/401': (_req, res) => json(res, 401, { error: 'not signed in' }),
  '/403': (_req, res) => res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden'),
  '/429': (_req, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': '7' }),
  '/503-date': (_req, res) => {
    const nowMs = Date.now();
    res
      .writeHead(503, {
        'content-type': 'text/html',
        date: new Date(nowMs).toUTCString(),
        'retry-after': new Date(nowMs + 20_000).toUTCString(),
      })
      .end('<h1>503 Service Unavailable</h1>');
  },
  '/500': (_req, res) => json(res, 500, { message: 'database down' }),
  // An error body that holds a token: it must never be quoted.
  '/500-token': (_req, res) => json(res, 500, { message: `stale ${mintToken()}` }),
  '/hang': () => {},
  '/drop': (req) => req.socket.destroy(),
};

/**
 * Starts the endpoint on 127.0.0.1 with a free port.
 * @returns its `url(path)`, the paths asked in order (`hits`), `answer` (what `/token` does; a
 *   fresh token as JSON by default), and `close()`, which also ends hanging requests.
 */
export async function startEndpoint() {
  const hits: string[] = [];
  const state = { answer: ROUTES['/json']! };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.push(path);
    const route = path === '/token' ? state.answer : ROUTES[path];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits,
    /** Paths asked of `/token` so far. */
    tokenHits: () => hits.filter((path) => path === '/token').length,
    set answer(handler: Handler) {
      state.answer = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
