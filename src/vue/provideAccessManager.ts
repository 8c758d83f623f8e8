import { getCurrentInstance, inject, onUnmounted, ssrContextKey } from 'vue';
import { AccessManager, AccessTokenError, type AccessManagerOptions } from 'access-token-manager';
import { createIdleManager } from '../bindings/idleManager';
import { provideManager } from './context';
import { madeFromOptions } from './hydration';

/** An app's manager, told from options by what only a manager has. */
function isManager(value: AccessManager | AccessManagerOptions): value is AccessManager {
  return typeof (value as { register?: unknown }).register === 'function';
}

/**
 * Gives the components below the app's {@link AccessManager}, and never destroys it: the app owns
 * it. Call it in the `setup` of the app's root component (App.vue). During server rendering the
 * app's manager is provided as it is: make it only where it should run (see the Vue guide).
 *
 * @param manager - the app's manager.
 * @returns `manager`.
 * @throws `AccessTokenError` (`invalid-argument`) outside a component's `setup`.
 * @example
 * const manager = new AccessManager(null, { tokenProvider }); // the app's own, also used outside Vue
 * provideAccessManager(manager); // in the root component's setup: never destroyed by it
 */
export function provideAccessManager(manager: AccessManager): AccessManager;
/**
 * Makes an {@link AccessManager} from `options` (and an optional first `token`) and gives it to
 * the components below; it lives as long as the calling component, and is destroyed when that
 * unmounts. Call it in the `setup` of the app's root component (App.vue).
 *
 * During server rendering (Nuxt, `renderToString`) it creates nothing from the options: it
 * provides an idle stand-in with no token, no provider, no timer and no listener, so the server
 * renders `status: 'empty'` and asks for no token; the browser makes the manager on hydration.
 *
 * @param options - the options of the manager to create; read once.
 * @param token - the first token, if the app already has one.
 * @returns the manager created (or, on the server, the idle stand-in).
 * @throws `AccessTokenError` (`invalid-argument`) outside a component's `setup`, or for bad options.
 * @example
 * // App.vue
 * // <script setup lang="ts">
 * import { fromEndpoint } from 'access-token-manager';
 * import { provideAccessManager } from 'access-token-manager/vue';
 * provideAccessManager({ tokenProvider: fromEndpoint('/token') });
 * // </script>
 */
export function provideAccessManager(options: AccessManagerOptions, token?: string | null): AccessManager;
export function provideAccessManager(
  optionsOrManager: AccessManager | AccessManagerOptions,
  token: string | null = null,
): AccessManager {
  if (getCurrentInstance() === null) {
    throw new AccessTokenError('invalid-argument', {
      field: 'provideAccessManager()',
      expected: "called in a component's setup (the app's root component)",
      received: 'a call outside setup',
    });
  }
  if (typeof optionsOrManager !== 'object' || optionsOrManager === null) {
    throw new AccessTokenError('invalid-argument', {
      field: 'provideAccessManager(optionsOrManager)',
      expected: 'an AccessManager, or the options of one',
      received: optionsOrManager === null ? 'null' : typeof optionsOrManager,
    });
  }
  let manager: AccessManager;
  if (isManager(optionsOrManager)) manager = optionsOrManager;
  else if (inject(ssrContextKey, null) !== null) {
    // Server rendering provides its context to the app; a component there never unmounts, so
    // nothing made here could ever be stopped.
    manager = createIdleManager();
  } else {
    const owned = new AccessManager(token, optionsOrManager);
    onUnmounted(() => owned.destroy());
    madeFromOptions.add(owned);
    manager = owned;
  }
  provideManager(manager);
  return manager;
}
