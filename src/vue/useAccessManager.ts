import type { AccessManager } from 'access-token-manager';
import { injectManager } from './context';

/**
 * The {@link AccessManager} that the nearest {@link provideAccessManager} provided. Call it in a
 * component's `setup`. During server rendering it is the idle stand-in (see
 * {@link provideAccessManager}) unless the app provided its own.
 *
 * @returns the manager.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided one.
 * @example
 * const manager = useAccessManager();
 * const refreshNow = () => manager.refresh().catch(() => {});
 */
export function useAccessManager(): AccessManager {
  return injectManager('useAccessManager');
}
