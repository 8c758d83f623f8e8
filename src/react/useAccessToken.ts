import { useSyncExternalStore } from 'react';
import { useManagerStore } from './context';
import { EMPTY_SNAPSHOT, type AccessTokenSnapshot } from './snapshot';

const serverSnapshot = (): AccessTokenSnapshot => EMPTY_SNAPSHOT;

/**
 * The manager's token as an immutable snapshot `{ token, identity, expires, status, error }`,
 * read through `useSyncExternalStore`. The same object comes back until a field changes, so the
 * component renders again only then: not on a timer tick, nor on events that change nothing
 * (`clientError`, a second `tokenAboutToExpire`). Server rendering (and hydration) renders
 * `status: 'empty'`.
 *
 * `status` is right even for an app's manager whose `tokenAboutToExpire` fired before the
 * provider mounted: it is read from the manager (`isAboutToExpire`, `isExpired`), and the events
 * only say when to read it again. `error` is the last `tokenError` or `refreshFailed` error since
 * the provider mounted, cleared by the next accepted token.
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
