import { getCurrentInstance, inject, provide, type ComponentInternalInstance, type InjectionKey } from 'vue';
import { AccessTokenError, type AccessManager } from 'access-token-manager';

/** The key under which {@link provideAccessManager} provides the manager to the components below. */
const MANAGER_KEY: InjectionKey<AccessManager> = Symbol('access-token-manager');

/**
 * The manager each providing component provided itself: Vue's `inject` reads only what the
 * components above provided, and the root component that provides the manager often shows the
 * token too.
 */
const ownManagers = new WeakMap<ComponentInternalInstance, AccessManager>();

/** Provides `manager` to the current component's descendants, and to the component itself. */
export function provideManager(manager: AccessManager): void {
  provide(MANAGER_KEY, manager);
  const instance = getCurrentInstance();
  if (instance !== null) ownManagers.set(instance, manager);
}

/**
 * The manager the current component or the nearest one above provided.
 * @param composable - the calling composable's name, for the error.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided one.
 */
export function injectManager(composable: string): AccessManager {
  const instance = getCurrentInstance();
  const manager = (instance && ownManagers.get(instance)) ?? inject(MANAGER_KEY, null);
  if (manager === null) {
    throw new AccessTokenError('invalid-argument', {
      field: `${composable}()`,
      expected:
        'called in the setup of a component in or under the one whose setup called provideAccessManager(…)',
      received: 'no manager provided above this component: call provideAccessManager in the root component',
    });
  }
  return manager;
}
