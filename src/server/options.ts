// The handler's options, read and checked once, when it is made: a wrong SID, secret or ttl fails
// at startup with its remedy instead of minting tokens that Twilio refuses later.
import { readCors, type CorsPolicy, type TokenCorsOptions } from './cors';
import { checkCredentials, type Credentials } from './credentials';
import type { TokenGrants } from './grants';
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';
import { checkTtlSeconds, DEFAULT_TOKEN_TTL_SECONDS } from './ttl';

/**
 * Who a request is for, and what their token grants: what `authorize` returns for a signed-in user.
 * @example
 * const authorization: TokenAuthorization = {
 *   identity: session.userId,
 *   grants: { conversations: { serviceSid: process.env.TWILIO_CONVERSATIONS_SERVICE_SID } },
 * };
 */
export interface TokenAuthorization {
  /**
   * The user's identity, from the app's own session (never from the request's query string or
   * body, which the user controls). With a Voice grant: letters, digits and underscores only.
   */
  identity: string;
  /** The grants of this user's token, by product; at least one. */
  grants: TokenGrants;
  /**
   * This token's lifetime in seconds, when it must differ from the handler's `ttl` (a session that
   * ends sooner, say). Checked as `ttl` is.
   */
  ttl?: number | undefined;
}

/**
 * What `authorize` returns: the user's token for a signed-in request, or any falsy value
 * (`null`, `undefined`, `false`…) for nobody, which the handler answers 401.
 * @example const nobody: AuthorizeResult = null;
 */
export type AuthorizeResult = TokenAuthorization | null | undefined | false | '' | 0;

/** @internal The methods the token route answers. */
export const TOKEN_METHODS = ['GET', 'POST'] as const;

/**
 * How long `authorize` may take before the request is answered 503, in milliseconds, by default
 * (10 s): a session store that hangs then costs a request that long at most.
 * @example createTokenHandler({ ...options, authorizeTimeoutMs: DEFAULT_AUTHORIZE_TIMEOUT_MS / 2 });
 */
export const DEFAULT_AUTHORIZE_TIMEOUT_MS = 10_000;

/**
 * The options of {@link createTokenHandler}. `Context` is what the handler's caller passes as its
 * second argument, handed on to `authorize`: `{ req, res }` from `toNodeHandler`, Next.js's route
 * context, a Worker's `env`.
 * @example
 * const options: TokenHandlerOptions = {
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   apiKeySid: process.env.TWILIO_API_KEY!,
 *   apiKeySecret: process.env.TWILIO_API_SECRET!,
 *   authorize: async (request) => null, // the app's session lookup
 * };
 */
export interface TokenHandlerOptions<Context = unknown> {
  /** The Account SID (`AC…`) of the live credentials (test credentials cannot mint access tokens). */
  accountSid: string;
  /** The SID (`SK…`) of an API key of that account. */
  apiKeySid: string;
  /** That API key's secret. Never printed: errors describe it by shape only. */
  apiKeySecret: string;
  /**
   * The tokens' lifetime, in seconds (not milliseconds): 180 to 86400.
   * @default 3600
   */
  ttl?: number | undefined;
  /**
   * Finds the signed-in user of a request in the app's own session (a cookie, a header, or what
   * the app's middleware put on Node's `req`, reached through `context`): returns their identity
   * and grants, or `null` (any falsy value) when nobody is signed in: the handler answers 401,
   * which `fromEndpoint` reads as the session's end. If it throws, the handler answers 500 with
   * nothing of the error, and reports it to `onError`; if it has not settled after
   * `authorizeTimeoutMs`, the handler answers 503 and reports that.
   */
  authorize: (request: Request, context: Context) => AuthorizeResult | Promise<AuthorizeResult>;
  /**
   * How long `authorize` may take, in milliseconds: past it (a session store that hangs), the
   * request is answered 503 (which `fromEndpoint` retries with backoff) and `onError` is told.
   * @default 10000
   */
  authorizeTimeoutMs?: number | undefined;
  /**
   * CORS, for a token route on another origin than the page: off by default (no CORS header, and
   * `OPTIONS` is answered 405). See {@link TokenCorsOptions}.
   */
  cors?: TokenCorsOptions | undefined;
  /**
   * Receives what made the handler answer 500: the error `authorize` threw (as thrown), or the
   * `AccessTokenError` for what it returned. It never receives the secret.
   * @default logs the error with `console.error`
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** @internal The options, checked. */
export interface TokenHandlerSettings<Context> {
  credentials: Credentials;
  ttlSeconds: number;
  authorize: TokenHandlerOptions<Context>['authorize'];
  authorizeTimeoutMs: number;
  cors: CorsPolicy | null;
  onError: NonNullable<TokenHandlerOptions['onError']>;
}

const logError = (error: unknown): void => {
  console.error('access-token-manager/server: the token request failed (answered 500 or 503):', error);
};

/**
 * @internal Reads and checks every option once.
 * @throws {@link AccessTokenError} for the first option that is wrong, with its remedy.
 */
export function readTokenHandlerOptions<Context>(options: unknown): TokenHandlerSettings<Context> {
  if (!isPlainObject(options)) {
    throw invalidServerOption(
      'options',
      'an object with accountSid, apiKeySid, apiKeySecret and authorize',
      describeValue(options),
    );
  }
  const read = (key: string): unknown => readProperty(options, key, key);
  const credentials = checkCredentials(read('accountSid'), read('apiKeySid'), read('apiKeySecret'));
  const ttl = read('ttl');
  const ttlSeconds = ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : checkTtlSeconds(ttl, 'ttl');
  const authorize = read('authorize');
  if (typeof authorize !== 'function') {
    throw invalidServerOption(
      'authorize',
      "a function that returns the signed-in user's { identity, grants }, or null",
      describeValue(authorize),
    );
  }
  const authorizeTimeoutMs = read('authorizeTimeoutMs') ?? DEFAULT_AUTHORIZE_TIMEOUT_MS;
  if (
    typeof authorizeTimeoutMs !== 'number' ||
    !Number.isInteger(authorizeTimeoutMs) ||
    authorizeTimeoutMs < 1 ||
    authorizeTimeoutMs > 120_000
  ) {
    throw invalidServerOption(
      'authorizeTimeoutMs',
      'a whole number of milliseconds from 1 to 120000 (2 min)',
      describeValue(authorizeTimeoutMs),
    );
  }
  const cors = readCors(read('cors'), TOKEN_METHODS);
  const onError = read('onError');
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidServerOption('onError', 'a function', describeValue(onError));
  }
  return {
    credentials,
    ttlSeconds,
    authorize: authorize as TokenHandlerOptions<Context>['authorize'],
    authorizeTimeoutMs,
    cors,
    onError: (onError as TokenHandlerSettings<Context>['onError'] | undefined) ?? logError,
  };
}
