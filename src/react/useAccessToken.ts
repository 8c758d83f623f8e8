import { useSyncExternalStore } from 'react';
import { EMPTY_SNAPSHOT, type AccessTokenSnapshot } from 'access-token-manager';
import { useManagerStore } from './context';

const serverSnapshot = (): AccessTokenSnapshot => EMPTY_SNAPSHOT;

/**
 * The manager's token as an immutable snapshot `{ token, identity, expires, status, error }`,
 * read through `useSyncExternalStore`. The same object comes back until a field changes, so the
 * component renders again only then: not on a timer tick, nor on events that change nothing
 * (`clientError`, a second `tokenAboutToExpire`). Server rendering (and hydration) renders
 * `status: 'empty'`.
 *
 * It is the manager's own snapshot (`manager.getSnapshot()`, followed through
 * `manager.subscribe`), so it is right for an app's manager whose `tokenAboutToExpire` fired, or
 * whose session ended, before the provider mounted. `error` is the manager's last `tokenError` or
 * `refreshFailed` error, cleared by the next accepted token.
 *
 * @returns the snapshot; see {@link AccessTokenSnapshot}.
 * @throws `AccessTokenError` (`invalid-argument`) outside an {@link AccessManagerProvider}.
 * @example
 * function TokenStatus() {
 *   const { identity, expires, status, error } = useAccessToken();
 *   if (status === 'error') return <p>Cannot sign in: {error?.message}</p>;
 *   return <p>{identity ?? '…'} ({status}, until {expires?.toLocaleTimeString()})</p>;
 * }
 */
export function useAccessToken(): AccessTokenSnapshot {
  const store = useManagerStore('useAccessToken');
  return useSyncExternalStore(store.subscribe, store.getSnapshot, serverSnapshot);
}
