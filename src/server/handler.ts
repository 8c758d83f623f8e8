// The token endpoint: a Fetch-API handler, the shape Next.js route handlers, Remix, Hono, Bun,
// Deno and Workers take. The app decides who is signed in (authorize); the handler mints.
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';
import { toGrantsClaim } from './grants';
import { createSigner } from './mint';
import { readTokenHandlerOptions, type TokenHandlerOptions } from './options';
import { checkTtlSeconds } from './ttl';

/**
 * The body of the handler's 200 answer.
 * @example const { token } = (await response.json()) as TokenResponseBody;
 */
export interface TokenResponseBody {
  /** The access token (a JWT), for `AccessManager` and the SDKs. */
  token: string;
  /** The identity the token is for, as `authorize` returned it. */
  identity: string;
  /** When the token expires (its `exp`), as an ISO 8601 date. */
  expiresAt: string;
}

/**
 * A Fetch-API request handler: takes a `Request`, answers a `Response`.
 * @example export const GET: TokenHandler = createTokenHandler(options);
 */
export type TokenHandler = (request: Request) => Promise<Response>;

const METHODS = ['GET', 'POST'];

/** Every answer: JSON, and never stored by a browser, a CDN or a proxy (a token is per user). */
function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

/** Reads what authorize returned: who, for how long, and the grants claim. */
function readAuthorization(result: unknown, defaultTtlSeconds: number) {
  if (!isPlainObject(result)) {
    throw invalidServerOption(
      'authorize()',
      '{ identity, grants } for a signed-in user, or null for nobody (answered 401)',
      describeValue(result),
    );
  }
  const identity = readProperty(result, 'identity', 'authorize().identity');
  if (typeof identity !== 'string' || identity === '') {
    throw invalidServerOption(
      'authorize().identity',
      "a non-empty string: the user's id from your session",
      describeValue(identity),
    );
  }
  const ttl = readProperty(result, 'ttl', 'authorize().ttl');
  const ttlSeconds = ttl === undefined ? defaultTtlSeconds : checkTtlSeconds(ttl, 'authorize().ttl');
  const grants = toGrantsClaim(
    identity,
    readProperty(result, 'grants', 'authorize().grants'),
    'authorize().grants',
  );
  return { identity, ttlSeconds, grants };
}

/**
 * Makes the token endpoint: a Fetch-API handler that answers `GET` and `POST` with
 * `{ token, identity, expiresAt }` for the user `authorize` finds in the app's session, 401 when
 * it finds nobody, and 500 (with nothing of the cause) when it throws or returns something wrong,
 * which `onError` then receives. Every answer carries `Cache-Control: no-store`.
 *
 * The options are checked here, once, so a wrong credential fails when the app starts: the two
 * SIDs (`AC…`, `SK…`; swapped, they are named as such), the secret's shape (never quoted), and
 * `ttl` in seconds, 86400 at most (a ttl in milliseconds is named as such). The identity comes
 * only from `authorize`: the handler never reads the query string or the body.
 *
 * Tokens are signed HS256 with `jose` (Web Crypto), with the claims the `twilio` helper library
 * writes, so it runs in Node 18+, Deno, Bun, Cloudflare Workers and edge runtimes alike.
 *
 * @param options - the credentials, `ttl`, `authorize` and `onError`.
 * @returns the handler.
 * @throws `AccessTokenError` (from `access-token-manager`) for a wrong option: `invalid-subject` (accountSid),
 *   `invalid-issuer` (apiKeySid), `ttl-too-long`, or `invalid-server-option`.
 * @example
 * // app/api/token/route.ts (Next.js)
 * import { createTokenHandler } from 'access-token-manager/server';
 *
 * export const GET = createTokenHandler({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   apiKeySid: process.env.TWILIO_API_KEY!,
 *   apiKeySecret: process.env.TWILIO_API_SECRET!,
 *   authorize: async (request) => {
 *     const user = await getSessionUser(request); // your own session
 *     return user && { identity: user.id, grants: { conversations: { serviceSid: 'IS…' } } };
 *   },
 * });
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  const { credentials, ttlSeconds, authorize, onError } = readTokenHandlerOptions(options);
  const sign = createSigner(credentials);

  /** Calls authorize; a result that cannot even be awaited (a revoked Proxy) is refused typed. */
  const callAuthorize = (request: Request): unknown => {
    const returned: unknown = authorize(request);
    try {
      if (typeof returned === 'object' && returned !== null) void Reflect.get(returned, 'then');
    } catch {
      throw invalidServerOption(
        'authorize()',
        '{ identity, grants } or null',
        'a value that could not be read',
      );
    }
    return returned;
  };

  const fail = (error: unknown, request: Request): Response => {
    try {
      // An async onError (a logging service) that rejects must not become an unhandled rejection.
      const reported: unknown = onError(error, request);
      if (reported instanceof Promise) reported.catch(() => {});
    } catch {
      // The app's reporter failed; the request still gets its 500.
    }
    return answer(500, { error: 'The token server failed; its logs have the cause.' });
  };

  return async function handleTokenRequest(request: Request): Promise<Response> {
    if (!METHODS.includes(request.method)) {
      return answer(405, { error: 'Use GET or POST.' }, { allow: METHODS.join(', ') });
    }
    let result: unknown;
    try {
      result = await callAuthorize(request);
    } catch (error) {
      return fail(error, request);
    }
    if (result === null) return answer(401, { error: 'Not signed in.' });
    try {
      const { identity, ttlSeconds: ttl, grants } = readAuthorization(result, ttlSeconds);
      const { token, expiresAtSeconds } = await sign(grants, ttl, Date.now());
      const body: TokenResponseBody = {
        token,
        identity,
        expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
      };
      return answer(200, body);
    } catch (error) {
      return fail(error, request);
    }
  };
}
