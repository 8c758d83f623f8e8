import type {
  AccessManager,
  AccessTokenError,
  AccessTokenSnapshot,
  AccessTokenStatus,
} from 'access-token-manager';

export type { AccessTokenSnapshot, AccessTokenStatus };

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
