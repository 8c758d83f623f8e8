import { inject, type InjectionKey } from 'vue';
import { AccessTokenError, type AccessManager } from 'access-token-manager';

/** The key under which {@link provideAccessManager} provides the manager to the components below. */
export const MANAGER_KEY: InjectionKey<AccessManager> = Symbol('access-token-manager');

/**
 * The manager the nearest {@link provideAccessManager} provided.
 * @param composable - the calling composable's name, for the error.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided one.
 */
export function injectManager(composable: string): AccessManager {
  const manager = inject(MANAGER_KEY, null);
  if (manager === null) {
    throw new AccessTokenError('invalid-argument', {
      field: `${composable}()`,
      expected: 'called in the setup of a component under one whose setup called provideAccessManager(…)',
      received: 'no manager provided above this component: call provideAccessManager in the root component',
    });
  }
  return manager;
}
