import { useSyncExternalStore } from 'react';
import type { AccessManager } from 'access-token-manager';
import { useManagerStore } from './context';

/**
 * The nearest provider's {@link AccessManager}.
 *
 * With `options`, the provider creates its manager when it mounts: during the first render and
 * server rendering this returns an idle manager (no token, no provider, nothing running), and the
 * component renders again with the live one. Put it in your effects' dependencies.
 *
 * @returns the manager.
 * @throws `AccessTokenError` (`invalid-argument`) outside an {@link AccessManagerProvider}.
 * @example
 * function RefreshButton() {
 *   const manager = useAccessManager();
 *   return <button onClick={() => manager.refresh().catch(() => {})}>Refresh now</button>;
 * }
 */
export function useAccessManager(): AccessManager {
  const store = useManagerStore('useAccessManager');
  return useSyncExternalStore(store.subscribe, store.getManager, store.getManager);
}
