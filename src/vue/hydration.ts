import { getCurrentInstance } from 'vue';
import { EMPTY_SNAPSHOT, type AccessManager, type AccessTokenSnapshot } from 'access-token-manager';

/**
 * The managers {@link provideAccessManager} made from options in the browser: in their place the
 * server rendered its idle stand-in, whose snapshot is `'empty'`.
 */
export const madeFromOptions = new WeakSet<AccessManager>();

/**
 * Whether the current component is hydrating server-rendered HTML. Vue has no public flag for it
 * (vuejs/core#1723); it gives a component's vnode the server's element before `setup` when it
 * hydrates the component, while a component mounted afresh gets its element only once rendered.
 * A vnode mounted again (one kept by `v-once` or a render function) still holds the element of its
 * last mount, but one removed from the page, in an update of a parent mounted already.
 */
export function isHydrating(): boolean {
  const instance = getCurrentInstance();
  const element = instance?.vnode.el;
  return !!element && (element.isConnected || !instance!.parent?.isMounted);
}

/**
 * The snapshot the server rendered for `manager`: `'empty'` for one made from options (the server
 * rendered the idle stand-in), and the app's own manager's snapshot of the moment otherwise (the
 * server rendered the app's manager as it stood).
 */
export function serverSnapshot(manager: AccessManager): AccessTokenSnapshot {
  return madeFromOptions.has(manager) ? EMPTY_SNAPSHOT : manager.getSnapshot();
}
