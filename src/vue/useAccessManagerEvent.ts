import { onMounted, onUnmounted } from 'vue';
import type { AccessManagerEventName, AccessManagerEvents } from 'access-token-manager';
import { injectManager } from './context';

/**
 * Listens to an event of the provided manager from the moment the component mounts until it
 * unmounts; never during server rendering. For what the page shows, prefer
 * {@link useAccessToken}: this is for what happens (a log, a report, a toast).
 *
 * @param event - the event's name, such as `'tokenAboutToExpire'` or `'clientError'`.
 * @param handler - called with the event's arguments.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided a manager.
 * @example
 * useAccessManagerEvent('clientError', (error, client) => report(error.message, client));
 */
export function useAccessManagerEvent<E extends AccessManagerEventName>(
  event: E,
  handler: (...args: AccessManagerEvents[E]) => void,
): void {
  const manager = injectManager('useAccessManagerEvent');
  onMounted(() => void manager.on(event, handler));
  onUnmounted(() => void manager.off(event, handler));
}
