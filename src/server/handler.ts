// The token endpoint: a Fetch-API handler, the shape Next.js route handlers, Remix, Hono, Bun,
// Deno and Workers take. The app decides who is signed in (authorize); the handler mints.
import { MAX_TOKEN_LENGTH } from 'access-token-manager';
import { answer } from './answer';
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';
import { toGrantsClaim } from './grants';
import { createSigner } from './mint';
import { readTokenHandlerOptions, TOKEN_METHODS, type TokenHandlerOptions } from './options';
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
 * A Fetch-API request handler: takes a `Request` (and the caller's context, handed on to
 * `authorize`), answers a `Response`. It never throws.
 * @example export const GET: TokenHandler = createTokenHandler(options);
 */
export type TokenHandler<Context = unknown> = (request: Request, context?: Context) => Promise<Response>;

const METHODS: readonly string[] = TOKEN_METHODS;
// What authorizeInTime resolves to when authorize has not settled in time.
const TIMED_OUT = Symbol('timed out');

/** The refusal of what would make a token longer than the client takes (`MAX_TOKEN_LENGTH`). */
const tooLong = (what: string, characters: number) =>
  invalidServerOption(
    'authorize()',
    `what makes a token of at most ${MAX_TOKEN_LENGTH} characters, the longest the client takes`,
    `${what} of ${characters} characters`,
  );

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
  // An identity longer than a token may be never makes a token the client takes: refused before
  // anything is signed, so a huge one costs no signing work.
  if (identity.length > MAX_TOKEN_LENGTH) throw tooLong('an identity', identity.length);
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
 * it finds nobody (any falsy answer), 503 when it has not answered within `authorizeTimeoutMs`,
 * and 500 (with nothing of the cause) when it throws or returns something wrong, which `onError`
 * then receives. Every answer carries `Cache-Control: no-store` and
 * `X-Content-Type-Options: nosniff`; with `cors`, the CORS headers for an allowed origin.
 *
 * It never mints what the client would refuse: an identity with control characters, lone
 * surrogates or bidi marks (or, with a Voice grant, anything but letters, digits and `_`), a
 * token over `MAX_TOKEN_LENGTH`, Voice params that are not finite: each is a 500 with the rule
 * named in `onError`'s error, never a 200.
 *
 * The options are checked here, once, so a wrong credential fails when the app starts: the two
 * SIDs (`AC…`, `SK…`; swapped, they are named as such), the secret's shape (never quoted), and
 * `ttl` in seconds, 180 to 86400 (a ttl in milliseconds is named as such), `cors`. The identity
 * comes only from `authorize`: the handler never reads the query string or the body.
 *
 * Tokens are signed HS256 with Web Crypto, with the claims the `twilio` helper library
 * writes, so it runs in Node 18+, Deno, Bun, Cloudflare Workers and edge runtimes alike;
 * `toNodeHandler` adapts it to `node:http`, Express and Fastify.
 *
 * @param options - the credentials, `ttl`, `authorize`, `authorizeTimeoutMs`, `cors` and `onError`.
 * @returns the handler.
 * @throws `AccessTokenError` (from `access-token-manager`) for a wrong option: `invalid-subject` (accountSid),
 *   `invalid-issuer` (apiKeySid), `ttl-too-long`, or `invalid-server-option` (naming the rule broken).
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
 *     if (!user) return null; // 401: fromEndpoint reads it as the session's end
 *     return { identity: user.id, grants: { conversations: { serviceSid: 'IS…' } } };
 *   },
 * });
 */
export function createTokenHandler<Context = unknown>(
  options: TokenHandlerOptions<Context>,
): TokenHandler<Context> {
  const { credentials, ttlSeconds, authorize, authorizeTimeoutMs, cors, onError } =
    readTokenHandlerOptions<Context>(options);
  const sign = createSigner(credentials);

  /** Calls authorize; a result that cannot even be awaited (a revoked Proxy) is refused typed. */
  const callAuthorize = (request: Request, context: Context): unknown => {
    const returned: unknown = authorize(request, context);
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

  /** Awaits authorize, at most authorizeTimeoutMs: past it, {@link TIMED_OUT}. */
  const authorizeInTime = async (request: Request, context: Context): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), authorizeTimeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => callAuthorize(request, context)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const report = (error: unknown, request: Request): void => {
    try {
      // An async onError (a logging service) that rejects must not become an unhandled rejection.
      const reported: unknown = onError(error, request);
      if (reported instanceof Promise) reported.catch(() => {});
    } catch {
      // The app's reporter failed; the request still gets its answer.
    }
  };

  /** Answers one request, before CORS: the token, 401, 405, 500 or 503. */
  const respond = async (request: Request, context: Context): Promise<Response> => {
    if (!METHODS.includes(request.method)) {
      const allow = [...METHODS, ...(cors === null ? [] : ['OPTIONS'])].join(', ');
      return answer(405, { error: `Use ${METHODS.join(' or ')}.` }, { allow });
    }
    let result: unknown;
    try {
      result = await authorizeInTime(request, context);
    } catch (error) {
      report(error, request);
      return answer(500, { error: 'The token server failed; its logs have the cause.' });
    }
    if (result === TIMED_OUT) {
      const expected = `settled within authorizeTimeoutMs (${authorizeTimeoutMs} ms)`;
      report(invalidServerOption('authorize()', expected, 'a promise still pending: answered 503'), request);
      return answer(503, { error: 'Try again.' }, { 'retry-after': '1' });
    }
    // Any falsy answer is nobody signed in: a session lookup's undefined, false or '' included.
    if (!result) return answer(401, { error: 'Not signed in.' });
    try {
      const { identity, ttlSeconds: ttl, grants } = readAuthorization(result, ttlSeconds);
      const { token, expiresAtSeconds } = await sign(grants, ttl, Date.now());
      if (token.length > MAX_TOKEN_LENGTH) throw tooLong('a token', token.length);
      const body: TokenResponseBody = {
        token,
        identity,
        expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
      };
      return answer(200, body);
    } catch (error) {
      report(error, request);
      return answer(500, { error: 'The token server failed; its logs have the cause.' });
    }
  };

  return async function handleTokenRequest(request: Request, context?: Context): Promise<Response> {
    if (cors === null) return respond(request, context as Context);
    const { headers, preflight } = await cors(request);
    // A preflight from an origin not allowed: 403, without a CORS header the browser could use.
    if (preflight) return answer(headers['access-control-allow-origin'] ? 204 : 403, null, headers);
    const response = await respond(request, context as Context);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    // A page on another origin reads only the CORS-safelisted headers unless told: fromEndpoint
    // waits as a 503's Retry-After says.
    if (headers['access-control-allow-origin'] && response.headers.has('retry-after')) {
      response.headers.set('access-control-expose-headers', 'Retry-After');
    }
    return response;
  };
}
