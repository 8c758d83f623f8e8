// The handler's options, read and checked once, when it is made: a wrong SID, secret or ttl fails
// at startup with its remedy instead of minting tokens that Twilio refuses later.
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
 * The options of {@link createTokenHandler}.
 * @example
 * const options: TokenHandlerOptions = {
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   apiKeySid: process.env.TWILIO_API_KEY!,
 *   apiKeySecret: process.env.TWILIO_API_SECRET!,
 *   authorize: async (request) => null, // the app's session lookup
 * };
 */
export interface TokenHandlerOptions {
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
   * Finds the signed-in user of a request in the app's own session (a cookie, a header): returns
   * their identity and grants, or `null` when nobody is signed in (the handler answers 401).
   * If it throws, the handler answers 500 with nothing of the error, and reports it to `onError`.
   */
  authorize: (request: Request) => TokenAuthorization | null | Promise<TokenAuthorization | null>;
  /**
   * Receives what made the handler answer 500: the error `authorize` threw (as thrown), or the
   * `AccessTokenError` for what it returned. It never receives the secret.
   * @default logs the error with `console.error`
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** @internal The options, checked. */
export interface TokenHandlerSettings {
  credentials: Credentials;
  ttlSeconds: number;
  authorize: TokenHandlerOptions['authorize'];
  onError: NonNullable<TokenHandlerOptions['onError']>;
}

const logError = (error: unknown): void => {
  console.error('access-token-manager/server: the token request failed (answered 500):', error);
};

/**
 * @internal Reads and checks every option once.
 * @throws {@link AccessTokenError} for the first option that is wrong, with its remedy.
 */
export function readTokenHandlerOptions(options: unknown): TokenHandlerSettings {
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
  const onError = read('onError');
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidServerOption('onError', 'a function', describeValue(onError));
  }
  return {
    credentials,
    ttlSeconds,
    authorize: authorize as TokenHandlerOptions['authorize'],
    onError: (onError as TokenHandlerSettings['onError'] | undefined) ?? logError,
  };
}
