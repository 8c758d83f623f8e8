/**
 * What a page shows about the manager's token: its status, the token, its identity and expiry,
 * and the last error. Every framework entry (React, Vue) and a plain `subscribe` read this one
 * shape; the manager derives it from the state it owns (see tokenState.ts).
 */
import type { AccessTokenError } from './errors';

/**
 * Where the token stands:
 * - `'empty'`: no token yet (and always during server rendering);
 * - `'valid'`: a token with more than `aboutToExpireMs` left;
 * - `'aboutToExpire'`: `tokenAboutToExpire` has fired for the current token;
 * - `'expired'`: `tokenExpired` has fired for the current token;
 * - `'error'`: there is no usable token (none, or an expired one) and the last attempt failed:
 *   `error` says why (after `destroy()`, `error.reason` is `'destroyed'`);
 * - `'sessionEnded'`: the token provider said the user's session is over (`error.reason` is
 *   `'session-ended'`; `fromEndpoint` says it for 401 and 403), or the app called `signOut()`
 *   (here or in another tab sharing the key; `token` is `null` then). Nothing is refreshed until
 *   the app calls `refresh()` or gives a token; a token still held keeps working until it
 *   expires. Show the way to sign in again.
 *
 * @example
 * const { status } = manager.getSnapshot();
 * const badge = status === 'aboutToExpire' ? 'refreshing…' : status;
 * @example
 * if (manager.getSnapshot().status === 'sessionEnded') showSignIn();
 */
export type AccessTokenStatus = 'empty' | 'valid' | 'aboutToExpire' | 'expired' | 'error' | 'sessionEnded';

/**
 * An immutable picture of the manager's token, from `manager.getSnapshot()` (and React's
 * `useAccessToken`). The manager returns the same object until one of its fields changes.
 *
 * @example
 * const { identity, expires, status, error } = manager.getSnapshot();
 */
export interface AccessTokenSnapshot {
  /** The current token, or `null`. */
  readonly token: string | null;
  /** The current token's identity, or `null`. */
  readonly identity: string | null;
  /** When the current token expires (in server time, as its `exp` says), or `null`. */
  readonly expires: Date | null;
  /** Where the token stands; see {@link AccessTokenStatus}. */
  readonly status: AccessTokenStatus;
  /**
   * The last `tokenError` or `refreshFailed` error, cleared by the next accepted token (and by
   * `signOut()`); `null` when there is none.
   */
  readonly error: AccessTokenError | null;
}

/**
 * The snapshot before any token, and the one server rendering always renders.
 * @example
 * const initial = manager?.getSnapshot() ?? EMPTY_SNAPSHOT;
 */
export const EMPTY_SNAPSHOT: AccessTokenSnapshot = Object.freeze({
  token: null,
  identity: null,
  expires: null,
  status: 'empty',
  error: null,
});
