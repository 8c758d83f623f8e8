// The Fetch-API handler behind Node's own request and response: node:http, Express 4 and 5,
// Fastify's raw request, Koa's ctx.req. Only the request line and headers are read, never the body.
// Node's types are described here by the little the adapter uses, so the entry's types need no
// @types/node in a Workers or Deno project.
import { answer } from './answer';
import type { TokenHandler } from './handler';
import { TOKEN_METHODS } from './options';

/**
 * The part of Node's `IncomingMessage` the adapter reads (Express's and Fastify's requests are one).
 * @example const like: NodeIncomingRequest = req;
 */
export interface NodeIncomingRequest {
  /** The method, such as `GET`. */
  method?: string | undefined;
  /** The path and query, as the request line has it. */
  url?: string | undefined;
  /** Express's `url` before a router mounted it, when there is one. */
  originalUrl?: string | undefined;
  /** The headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The socket: a TLS socket has `encrypted: true`. */
  socket?: object | null | undefined;
}

/**
 * The part of Node's `ServerResponse` the adapter writes (Express's `res` is one).
 * @example const like: NodeServerResponse = res;
 */
export interface NodeServerResponse {
  /** The status to send. */
  statusCode: number;
  /** Whether the headers went already (something else answered). */
  readonly headersSent: boolean;
  /** Whether the answer is complete already. */
  readonly writableEnded: boolean;
  /** Sets a header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends the body and ends the answer. */
  end(body: Uint8Array): unknown;
  /** Closes the socket. */
  destroy(): unknown;
}

/**
 * What `toNodeHandler` passes as the handler's context, and so as `authorize`'s second argument:
 * Node's request (with what the app's middleware put on it, such as `req.user` or `req.session`)
 * and response.
 * @example
 * const handler = createTokenHandler<NodeRequestContext<express.Request>>({
 *   ...credentials,
 *   authorize: (request, { req }) => (req.user ? { identity: req.user.id, grants } : null),
 * });
 */
export interface NodeRequestContext<Req extends NodeIncomingRequest = NodeIncomingRequest> {
  /** Node's request, as the framework gave it. */
  req: Req;
  /** Node's response. Leave it alone: the adapter writes the answer. */
  res: NodeServerResponse;
}

/**
 * The options of {@link toNodeHandler}.
 * @example const options: NodeHandlerOptions = { trustProxy: true };
 */
export interface NodeHandlerOptions {
  /**
   * Whether the app runs behind a proxy it trusts (a load balancer, Heroku, Fly, nginx): the
   * request URL then takes its scheme from `X-Forwarded-Proto` and its host from
   * `X-Forwarded-Host` (their first value), or else from the standard `Forwarded` header (RFC 7239:
   * `proto=` and `host=` of its first element, quoted or not). Without it they are all ignored,
   * since any client can send them: the scheme is `https` only when the socket itself is TLS, the
   * host is the `Host` header. Trust a proxy that sets or removes these headers, so that none of
   * them reaches the app as a client sent it.
   * @default false
   */
  trustProxy?: boolean | undefined;
}

// A host as a URL can hold it: a name or an address, a port; nothing a URL would read otherwise.
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const first = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

// One `name=value` of a `Forwarded` element (RFC 7239, 4): a token, or a quoted string with
// backslash escapes; then `;` (another pair of the same element), `,` (the next element) or the end.
const FORWARDED_PAIR = /([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s",;]*))\s*(;|,|$)\s*/y;

/**
 * The parameters of the first element of a `Forwarded` header (the one its first proxy wrote),
 * names in lower case, values unquoted. A malformed element, or one naming a parameter twice,
 * gives none: a header the proxy did not write cleanly is not its word.
 */
function firstForwarded(value: string | string[] | undefined): Map<string, string> {
  const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
  const pairs = new Map<string, string>();
  const pair = new RegExp(FORWARDED_PAIR); // its own lastIndex
  while (text !== '') {
    const match = pair.exec(text);
    if (match === null) return new Map();
    const [, name = '', quoted, bare = '', end] = match;
    if (pairs.has(name.toLowerCase())) return new Map();
    pairs.set(name.toLowerCase(), quoted === undefined ? bare : quoted.replace(/\\(.)/g, '$1'));
    if (end !== ';') break;
  }
  return pairs;
}

/** The request's URL: its real scheme and host (behind a trusted proxy, the proxy's word). */
function requestUrl(req: NodeIncomingRequest, trustProxy: boolean): URL {
  const forwarded = trustProxy ? firstForwarded(req.headers.forwarded) : new Map<string, string>();
  const forwardedProtos = trustProxy ? [first(req.headers['x-forwarded-proto']), forwarded.get('proto')] : [];
  const scheme =
    forwardedProtos
      .map((proto) => proto?.toLowerCase())
      .find((proto) => proto === 'https' || proto === 'http') ??
    ((req.socket as { encrypted?: unknown } | null | undefined)?.encrypted === true ? 'https' : 'http');
  const forwardedHosts = trustProxy ? [first(req.headers['x-forwarded-host']), forwarded.get('host')] : [];
  const candidates = [...forwardedHosts, first(req.headers.host)];
  const host = candidates.find((value) => value !== undefined && HOST.test(value)) ?? 'localhost';
  const path = req.originalUrl ?? req.url ?? '/';
  try {
    return new URL(path.startsWith('/') ? `${scheme}://${host}${path}` : `${scheme}://${host}/`);
  } catch {
    return new URL(`${scheme}://${host}/`);
  }
}

/** The request's headers, as a Fetch `Headers`; HTTP/2 pseudo-headers and unusable values left out. */
function requestHeaders(req: NodeIncomingRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      try {
        headers.append(name, item);
      } catch {
        // A value Fetch refuses (Node accepts a few more bytes): the handler does without it.
      }
    }
  }
  return headers;
}

/**
 * The Fetch `Request` `authorize` sees for a Node request: method, URL, headers (cookies among
 * them); no body (the handler never reads one; `req.body` is on the context).
 */
function toFetchRequest(req: NodeIncomingRequest, trustProxy: boolean): Request {
  return new Request(requestUrl(req, trustProxy), {
    method: req.method ?? 'GET',
    headers: requestHeaders(req),
  });
}

/** Writes a Fetch `Response` to Node's response, unless something else already answered. */
async function writeResponse(response: Response, res: NodeServerResponse): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(body);
}

/**
 * Turns the token handler into a Node request listener, `(req, res) => Promise<void>`, for
 * `node:http`'s `createServer`, Express 4 and 5 (`app.all('/api/token', …)`, so CORS preflights
 * reach it too), Fastify (`reply.hijack()`, then the listener on `request.raw` and `reply.raw`; or
 * on Fastify's `request` itself and `reply.raw`, so that what its plugins put on `request` reaches
 * `authorize`) and Koa (`ctx.respond = false`, then `ctx.req`, `ctx.res`).
 *
 * The `Request` that `authorize` sees has the method, the real URL (scheme and host: behind a
 * proxy only with `trustProxy`), and every header, the cookies among them. The body is not read:
 * the handler takes the identity from the session only, never from the request. What the app's
 * middleware put on `req` (`req.user`, `req.session`, `req.cookies`) reaches `authorize` as its
 * second argument, {@link NodeRequestContext}: type it with `createTokenHandler<NodeRequestContext<…>>`.
 *
 * The listener never rejects: a failure to build the request is answered 500.
 *
 * @param handler - from `createTokenHandler`.
 * @param options - `trustProxy`.
 * @returns the listener.
 * @example
 * import express from 'express';
 * import { createTokenHandler, toNodeHandler, type NodeRequestContext } from 'access-token-manager/server';
 *
 * const app = express();
 * app.all(
 *   '/api/token',
 *   toNodeHandler(
 *     createTokenHandler<NodeRequestContext<express.Request & { user?: { id: string } }>>({
 *       accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *       apiKeySid: process.env.TWILIO_API_KEY!,
 *       apiKeySecret: process.env.TWILIO_API_SECRET!,
 *       authorize: (_request, { req }) =>
 *         req.user ? { identity: req.user.id, grants: { video: {} } } : null,
 *     }),
 *   ),
 * );
 */
export function toNodeHandler<Req extends NodeIncomingRequest = NodeIncomingRequest>(
  handler: TokenHandler<NodeRequestContext<Req>>,
  options: NodeHandlerOptions = {},
): (req: Req, res: NodeServerResponse) => Promise<void> {
  const trustProxy = options.trustProxy === true;
  return async function nodeTokenListener(req: Req, res: NodeServerResponse): Promise<void> {
    let response: Response;
    try {
      response = await handler(toFetchRequest(req, trustProxy), { req, res });
    } catch {
      // A method Fetch cannot carry (CONNECT, TRACE) is no request for a token: 405, not a failure,
      // naming the methods the route takes (RFC 9110, 15.5.6) as the handler's own 405 does.
      const unusable = /^(?:CONNECT|TRACE|TRACK)$/i.test(req.method ?? '');
      response = unusable
        ? answer(405, { error: 'Use GET or POST.' }, { allow: TOKEN_METHODS.join(', ') })
        : answer(500, { error: 'The token server failed.' });
    }
    try {
      await writeResponse(response, res);
    } catch {
      if (!res.writableEnded) res.destroy(); // the socket went away while writing
    }
  };
}
