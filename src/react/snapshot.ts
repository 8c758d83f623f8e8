import type { AccessManager, AccessTokenError } from 'access-token-manager';

/**
 * Where the token stands:
 * - `'empty'`: no token yet (and always during server rendering);
 * - `'valid'`: a token with more than `aboutToExpireMs` left;
 * - `'aboutToExpire'`: `tokenAboutToExpire` is due or has fired for the current token;
 * - `'expired'`: the current token has expired;
 * - `'error'`: there is no usable token (none, or an expired one) and the last attempt failed:
 *   `error` says why;
 * - `'sessionEnded'`: the token provider said the user's session is over (`error.reason` is
 *   `'session-ended'`; `fromEndpoint` says it for 401 and 403). Nothing is refreshed until the
 *   app calls `refresh()` or gives a token; a token still held keeps working until it expires.
 *   Show the way to sign in again.
 *
 * @example
 * const { status } = useAccessToken();
 * const badge = status === 'aboutToExpire' ? 'refreshing…' : status;
 * @example
 * if (useAccessToken().status === 'sessionEnded') return <SignInAgain />;
 */
export type AccessTokenStatus = 'empty' | 'valid' | 'aboutToExpire' | 'expired' | 'error' | 'sessionEnded';

/**
 * What {@link useAccessToken} returns: an immutable snapshot of the manager's token. The same
 * object is returned until one of its fields changes.
 *
 * @example
 * const { identity, expires, status, error } = useAccessToken();
 */
export interface AccessTokenSnapshot {
  /** The current token, or `null`. */
  readonly token: string | null;
  /** The current token's identity, or `null`. */
  readonly identity: string | null;
  /** When the current token expires, or `null`. */
  readonly expires: Date | null;
  /** Where the token stands; see {@link AccessTokenStatus}. */
  readonly status: AccessTokenStatus;
  /**
   * The last `tokenError` or `refreshFailed` error since the provider mounted, cleared by the next
   * accepted token; `null` when there is none.
   */
  readonly error: AccessTokenError | null;
}

/** The snapshot before any token, and the one server rendering always renders. */
export const EMPTY_SNAPSHOT: AccessTokenSnapshot = Object.freeze({
  token: null,
  identity: null,
  expires: null,
  status: 'empty',
  error: null,
});

/** The status of `manager`'s token, read from its clock, given the last error seen. */
export function statusOf(manager: AccessManager, error: AccessTokenError | null): AccessTokenStatus {
  if (error?.reason === 'session-ended') return 'sessionEnded';
  if (manager.token === null || manager.isExpired) {
    if (error) return 'error';
    return manager.token === null ? 'empty' : 'expired';
  }
  return manager.isAboutToExpire ? 'aboutToExpire' : 'valid';
}

/**
 * The snapshot of `manager` now: `previous` itself when nothing it holds has changed, so that
 * `useSyncExternalStore` sees the same object and React does not render again.
 */
export function readSnapshot(
  manager: AccessManager,
  error: AccessTokenError | null,
  previous: AccessTokenSnapshot,
): AccessTokenSnapshot {
  const status = statusOf(manager, error);
  const { token } = manager;
  if (token === previous.token && status === previous.status && error === previous.error) return previous;
  return Object.freeze({ token, identity: manager.identity, expires: manager.expires, status, error });
}
