import { useEffect } from 'react';
import type { AccessManagerEventName, AccessManagerEvents } from 'access-token-manager';
import { useManagerStore } from './context';
import { useLatest } from './latest';

/**
 * Listens to a manager event for as long as the component is mounted. It subscribes once per
 * mount (a new `handler` on each render does not subscribe again) and always calls the latest
 * `handler`; it follows the provider's manager if that changes.
 *
 * @param event - the event's name, such as `'tokenAboutToExpire'` or `'clientError'`.
 * @param handler - called with the event's arguments.
 * @throws `AccessTokenError` (`invalid-argument`) outside an {@link AccessManagerProvider}.
 * @example
 * useAccessManagerEvent('clientError', (error, client) => report(error.message, client));
 */
export function useAccessManagerEvent<E extends AccessManagerEventName>(
  event: E,
  handler: (...args: AccessManagerEvents[E]) => void,
): void {
  const store = useManagerStore('useAccessManagerEvent');
  const latest = useLatest(handler);
  useEffect(
    () =>
      store.watch((manager) => {
        const listener = (...args: AccessManagerEvents[E]): void => latest.current(...args);
        manager.on(event, listener);
        return () => void manager.off(event, listener);
      }),
    [store, event, latest],
  );
}
